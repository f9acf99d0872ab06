using System.Data.Common;
using System.Diagnostics;

namespace Casework.Runtime.Benchmarks;

/// <summary>
/// The yardstick: one plain ADO.NET transaction per step that inserts a ~1 KB row and updates one row, on the
/// same database and connection settings the runtime uses. The runtime's figure is divided by this one.
/// </summary>
internal sealed class Baseline(Func<DbConnection> connect, string idType)
{
    private static readonly string Payload = new('x', 1024);

    public async Task PrepareAsync()
    {
        await using var connection = connect();
        await connection.OpenAsync();
        await ExecuteAsync(connection, null, "DROP TABLE IF EXISTS bench_rows");
        await ExecuteAsync(connection, null, "DROP TABLE IF EXISTS bench_counter");
        await ExecuteAsync(connection, null, $"CREATE TABLE bench_rows (id {idType} PRIMARY KEY, payload TEXT NOT NULL)");
        await ExecuteAsync(connection, null, "CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)");
        await ExecuteAsync(connection, null, "INSERT INTO bench_counter (id, value) VALUES (1, 0)");
    }

    /// <summary>Runs <paramref name="steps"/> transactions on one connection; returns steps per second.</summary>
    public async Task<double> RunAsync(int steps)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO bench_rows (id, payload) VALUES (@id, @payload)";
                AddParameter(insert, "@id", Guid.NewGuid().ToString());
                AddParameter(insert, "@payload", Payload);
                await insert.ExecuteNonQueryAsync();
            }

            await using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = "UPDATE bench_counter SET value = value + 1 WHERE id = 1";
                await update.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        return steps / watch.Elapsed.TotalSeconds;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
