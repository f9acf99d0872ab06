using Microsoft.Extensions.Options;

namespace Casework.Data.Configuration;

/// <summary>Checks the database settings and names the setting that is wrong.</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var failures = new List<string>();
        var providers = string.Join(", ", Enum.GetNames<DatabaseProvider>());
        if (string.IsNullOrWhiteSpace(options.Provider)
            || !Enum.TryParse<DatabaseProvider>(options.Provider, ignoreCase: true, out var provider)
            || int.TryParse(options.Provider, out _))
        {
            failures.Add($"Database:Provider must be one of {providers}; it is '{options.Provider}'.");
            return ValidateOptionsResult.Fail(failures);
        }

        if (provider != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add(
                $"ConnectionStrings:Casework is required when Database:Provider is {provider}; set it to the server's connection string.");
        }

        if (provider == DatabaseProvider.Sqlite && options.ConnectionString is { } sqlite)
        {
            try
            {
                var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(sqlite);
                if (string.IsNullOrWhiteSpace(builder.DataSource))
                {
                    failures.Add("ConnectionStrings:Casework must name a SQLite file with 'Data Source=...'.");
                }
            }
            catch (ArgumentException ex)
            {
                failures.Add($"ConnectionStrings:Casework is not a valid SQLite connection string: {ex.Message}");
            }
        }

        if (options.SqliteSynchronous is not ("Full" or "Normal" or "FULL" or "NORMAL" or "full" or "normal"))
        {
            failures.Add($"Database:SqliteSynchronous must be Full or Normal; it is '{options.SqliteSynchronous}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
