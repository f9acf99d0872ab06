using System.Text.Json;
using Casework.Data.Configuration;
using Casework.Testing;

namespace Casework.Web.Tests.Hosting;

/// <summary>Every setting the app reads is in appsettings.template.json and in the README's table.</summary>
public sealed class SettingsDocumentationTests
{
    private static readonly string Readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));

    public static TheoryData<string> Keys() => [.. AppSettingsKeys().Concat(OptionKeys()).Distinct()];

    private static IEnumerable<string> AppSettingsKeys() =>
        LeafKeys(RepositoryPaths.Combine("src", "Casework.Web", "appsettings.json"))
            .Select(k => k.StartsWith("Serilog:MinimumLevel:Override:", StringComparison.Ordinal) ? "Serilog:MinimumLevel:Override:<namespace>" : k)
            .Distinct();

    private static IEnumerable<string> OptionKeys() =>
    [
        .. typeof(DatabaseOptions).GetProperties()
            .Where(p => p.CanWrite && p.Name is not nameof(DatabaseOptions.ConnectionString) and not nameof(DatabaseOptions.BaseDirectory))
            .Select(p => $"{DatabaseOptions.Section}:{p.Name}"),
        $"ConnectionStrings:{DatabaseOptions.ConnectionStringName}",
        .. ScalarSettings(typeof(Features.Auth.AuthOptions), Features.Auth.AuthOptions.Section),
        $"{Features.Auth.AuthOptions.Section}:Clients",
        .. ScalarSettings(typeof(Features.Security.SecurityOptions), Features.Security.SecurityOptions.Section),
        .. ScalarSettings(typeof(Casework.Data.Runtime.Workers.WorkerOptions), Casework.Data.Runtime.Workers.WorkerOptions.Section),
        .. ScalarSettings(typeof(Casework.Web.Hosting.TelemetryOptions), Casework.Web.Hosting.TelemetryOptions.Section),
        "Runtime:NodeName",
        "Workflows:Path",
        "Bootstrap:Administrator:UserName",
        "Bootstrap:Administrator:Password",
        "Demo:Enabled",
        "Demo:Cases",
        "Statistics:SuppressBelow",
        "Logging:Console:Format",
    ];

    [Theory]
    [MemberData(nameof(Keys))]
    public void Setting_IsInTheTemplateAndTheReadmeTable(string key)
    {
        var template = LeafKeys(RepositoryPaths.Combine("appsettings.template.json"));

        if (!key.EndsWith("<namespace>", StringComparison.Ordinal) && !key.EndsWith(":Clients", StringComparison.Ordinal)
            && !key.EndsWith(":CorsOrigins", StringComparison.Ordinal))
        {
            Assert.Contains(key, template);
        }

        Assert.Contains($"| `{key}` |", Readme, StringComparison.Ordinal);
    }

    private static IEnumerable<string> ScalarSettings(Type options, string section) =>
        options.GetProperties()
            .Where(p => p.CanWrite && (p.PropertyType.IsValueType || p.PropertyType == typeof(string)))
            .Select(p => $"{section}:{p.Name}");

    private static List<string> LeafKeys(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var keys = new List<string>();
        Walk(json.RootElement, null);
        return keys;

        void Walk(JsonElement element, string? prefix)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                keys.Add(prefix!);
                return;
            }

            foreach (var property in element.EnumerateObject())
            {
                Walk(property.Value, prefix is null ? property.Name : $"{prefix}:{property.Name}");
            }
        }
    }
}
