using System.Xml.Linq;
using Casework.Testing;

namespace Casework.Architecture.Tests;

/// <summary>
/// The project files of the pure projects: a reference that the compiler optimises away (unused) never shows in
/// the assembly, so the declared references are checked too.
/// </summary>
public sealed class ProjectFileTests
{
    [Theory]
    [InlineData("Casework.Engine")]
    [InlineData("Casework.Domain")]
    public void PureProject_DeclaresNoWebOrEfCoreReference(string project)
    {
        var file = XDocument.Load(RepositoryPaths.Combine("src", project, project + ".csproj"));

        var references = file.Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference" or "ProjectReference")
            .Select(e => (string?)e.Attribute("Include") ?? string.Empty)
            .ToList();

        Assert.DoesNotContain(references, r => r.Contains("AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.Contains("Casework.", StringComparison.Ordinal));
        Assert.NotEqual("Microsoft.NET.Sdk.Web", (string?)file.Root?.Attribute("Sdk"));
    }
}
