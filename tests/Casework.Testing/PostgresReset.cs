using Npgsql;
using Respawn;

namespace Casework.Testing;

/// <summary>Empties every table of a PostgreSQL test database (keeping the migrations history) with Respawn.</summary>
public sealed class PostgresReset
{
    private readonly string connectionString;
    private Respawner? respawner;

    public PostgresReset(string connectionString) => this.connectionString = connectionString;

    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        respawner ??= await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            TablesToIgnore = ["__EFMigrationsHistory"],
        });
        await respawner.ResetAsync(connection);
    }
}
