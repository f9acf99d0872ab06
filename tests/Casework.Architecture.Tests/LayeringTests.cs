using System.Reflection;

namespace Casework.Architecture.Tests;

/// <summary>DESIGN.md §3: Web → Data → {Domain, Engine}; the engine and the domain are pure.</summary>
public sealed class LayeringTests
{
    private static readonly string[] HostFrameworks = ["Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore"];

    private static readonly Assembly Engine = Assembly.Load("Casework.Engine");
    private static readonly Assembly Domain = Assembly.Load("Casework.Domain");
    private static readonly Assembly Data = Assembly.Load("Casework.Data");

    [Fact]
    public void Engine_ReferencesNoAspNetCoreOrEntityFrameworkCoreAssembly() =>
        Assert.Empty(DependencyRules.Forbidden(Engine, HostFrameworks));

    [Fact]
    public void Domain_ReferencesNoAspNetCoreOrEntityFrameworkCoreAssembly() =>
        Assert.Empty(DependencyRules.Forbidden(Domain, HostFrameworks));

    [Fact]
    public void EngineAndDomain_DoNotKnowEachOtherNorTheOuterLayers()
    {
        Assert.Empty(DependencyRules.Forbidden(Engine, "Casework."));
        Assert.Empty(DependencyRules.Forbidden(Domain, "Casework."));
    }

    [Fact]
    public void Data_DoesNotReferenceTheHost() =>
        Assert.DoesNotContain("Casework.Web", DependencyRules.ReferencedAssemblyNames(Data));

    [Fact]
    public void Rule_DetectsAFrameworkReference_WhereOneExists()
    {
        // Casework.Data uses EF Core on purpose: the rule must see it, or the checks above prove nothing.
        Assert.Contains(DependencyRules.Forbidden(Data, HostFrameworks), n => n.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }
}
