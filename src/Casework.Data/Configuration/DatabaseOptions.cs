namespace Casework.Data.Configuration;

/// <summary>The database the application stores everything in.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

/// <summary>
/// Settings of the <c>Database</c> section, plus <c>ConnectionStrings:Casework</c>. Bound and validated on
/// start by <see cref="DatabaseOptionsValidator"/>; a bad value stops the application with the setting's name.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "Casework";
    public const string DefaultSqliteConnectionString = "Data Source=data/casework.db";

    /// <summary>Raw text of <c>Database:Provider</c>; parsed by <see cref="ProviderKind"/>.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>Apply pending migrations on start. Always true for SQLite.</summary>
    public bool? MigrateOnStart { get; set; }

    /// <summary>SQLite's <c>PRAGMA synchronous</c>: <c>Full</c> (default: a commit survives power loss) or <c>Normal</c>.</summary>
    public string SqliteSynchronous { get; set; } = "Full";

    /// <summary><c>ConnectionStrings:Casework</c>; for SQLite it defaults to a file under <c>data/</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The folder relative SQLite paths are resolved against (the host's content root).</summary>
    public string? BaseDirectory { get; set; }

    public DatabaseProvider ProviderKind =>
        Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var kind)
            ? kind
            : throw new InvalidOperationException($"Database:Provider '{Provider}' is not valid.");

    public bool ShouldMigrateOnStart => ProviderKind == DatabaseProvider.Sqlite || MigrateOnStart == true;
}
