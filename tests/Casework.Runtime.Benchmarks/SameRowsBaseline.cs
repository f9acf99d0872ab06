using System.Data.Common;
using System.Diagnostics;

namespace Casework.Runtime.Benchmarks;

/// <summary>
/// A second yardstick, not the issue's: one plain ADO.NET transaction per step that reads and writes the same rows a
/// task completion writes, in the runtime's own tables with their indexes and foreign keys — read the work item with
/// its instance, update the instance under its revision, close the work item and delete its queue rows, insert the
/// next work item with its queue rows, append a journal entry. No engine, no state (de)serialisation, no service
/// scope, no EF Core: what is left between this figure and the runtime's is the runtime's own code. Values are
/// copies of rows the runtime wrote, so sizes and types match; column lists come from the database.
/// </summary>
internal sealed class SameRowsBaseline(Func<DbConnection> connect)
{
    private const string Items = "work_items";
    private const string Candidates = "work_item_candidates";
    private const string Instances = "workflow_instances";
    private const string Journal = "workflow_journal";

    private string[] itemColumns = [];
    private string[] candidateColumns = [];
    private string[] journalColumns = [];
    private object?[][] candidateTemplate = [];
    private object?[] journalTemplate = [];
    private bool textIds;
    private string loadSql = string.Empty;
    private string updateInstanceSql = string.Empty;
    private string closeItemSql = string.Empty;
    private string deleteCandidatesSql = string.Empty;
    private string insertItemSql = string.Empty;
    private string insertCandidateSql = string.Empty;
    private string insertJournalSql = string.Empty;
    private long sequence;
    private long readTicks;
    private long writeTicks;
    private long commitTicks;
    private int measured;

    /// <summary>Microseconds per step spent reading, writing and committing, over the runs since <see cref="ResetPhases"/>.</summary>
    public (double Read, double Write, double Commit) Phases => measured == 0
        ? default
        : (Micro(readTicks), Micro(writeTicks), Micro(commitTicks));

    public void ResetPhases() => (readTicks, writeTicks, commitTicks, measured) = (0, 0, 0, 0);

    /// <summary>Reads the tables' columns and the template rows (a journal entry and queue rows the runtime wrote).</summary>
    public async Task PrepareAsync()
    {
        await using var connection = connect();
        await connection.OpenAsync();
        itemColumns = await ColumnsAsync(connection, Items);
        candidateColumns = await ColumnsAsync(connection, Candidates);
        journalColumns = [.. (await ColumnsAsync(connection, Journal)).Where(c => c != "Id")];
        candidateTemplate = await RowsAsync(connection,
            $"SELECT {List(candidateColumns)} FROM {Q(Candidates)} WHERE {Q("WorkItemId")} = (SELECT {Q("WorkItemId")} FROM {Q(Candidates)} LIMIT 1)");
        journalTemplate = (await RowsAsync(connection,
            $"SELECT {List(journalColumns)} FROM {Q(Journal)} WHERE {Q("Command")} = 'CompleteTask' ORDER BY {Q("Id")} DESC LIMIT 1"))[0];
        textIds = candidateTemplate[0][Array.IndexOf(candidateColumns, "WorkItemId")] is string;

        loadSql = $"SELECT {string.Join(", ", itemColumns.Select(c => "w." + Q(c)))}, i.{Q("State")}, i.{Q("Status")}, i.{Q("HasIncident")}, "
            + $"i.{Q("UpdatedAt")}, i.{Q("EndedAt")}, i.{Q("Revision")} FROM {Q(Items)} w INNER JOIN {Q(Instances)} i ON i.{Q("Id")} = w.{Q("InstanceId")} "
            + $"WHERE w.{Q("Id")} = @id";
        updateInstanceSql = $"UPDATE {Q(Instances)} SET {Q("State")} = @state, {Q("Status")} = @status, {Q("HasIncident")} = @hasIncident, "
            + $"{Q("UpdatedAt")} = @updatedAt, {Q("EndedAt")} = @endedAt, {Q("Revision")} = @revision WHERE {Q("Id")} = @id AND {Q("Revision")} = @previous";
        closeItemSql = $"UPDATE {Q(Items)} SET {Q("Status")} = @status, {Q("ClosedAt")} = @closedAt, {Q("ClosedBy")} = @closedBy, "
            + $"{Q("Revision")} = {Q("Revision")} + 1 WHERE {Q("Id")} = @id";
        deleteCandidatesSql = $"DELETE FROM {Q(Candidates)} WHERE {Q("WorkItemId")} = @id";
        insertItemSql = Insert(Items, itemColumns);
        insertCandidateSql = Insert(Candidates, candidateColumns);
        insertJournalSql = Insert(Journal, journalColumns);
    }

    /// <summary>
    /// Open work items of seeded instances to start from (one per instance; never one the runtime is working on, whose
    /// state would then no longer match its rows); finding them is not timed.
    /// </summary>
    public async Task<List<object>> OpenItemsAsync(int count)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        var rows = await RowsAsync(connection, $"SELECT {Q("Id")} FROM {Q(Items)} WHERE {Q("Status")} = '{nameof(Casework.Data.Runtime.Records.WorkItemStatus.Open)}' "
            + $"AND {Q("CaseId")} LIKE '{RuntimeBench.SeedPrefix}%' LIMIT {count}");
        return [.. rows.Select(r => r[0]!)];
    }

    /// <summary>
    /// Runs <paramref name="steps"/> transactions on one connection, each completing one of <paramref name="open"/> and
    /// opening its successor (which replaces it in the list); returns steps per second.
    /// </summary>
    public async Task<double> RunAsync(List<object> open, int steps)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        measured += steps;
        var watch = Stopwatch.StartNew();
        for (var step = 0; step < steps; step++)
        {
            var started = Stopwatch.GetTimestamp();
            var slot = step % open.Count;
            var itemId = open[slot];
            await using var transaction = await connection.BeginTransactionAsync();
            object?[] item;
            object?[] instance;
            await using (var load = Command(connection, transaction, loadSql, ("@id", itemId)))
            await using (var reader = await load.ExecuteReaderAsync())
            {
                if (!await reader.ReadAsync())
                {
                    throw new InvalidOperationException($"Work item {itemId} is gone.");
                }

                var values = new object?[reader.FieldCount];
                reader.GetValues(values!);
                item = values[..itemColumns.Length];
                instance = values[itemColumns.Length..];
            }

            var read = Stopwatch.GetTimestamp();
            readTicks += read - started;
            var instanceId = Value(item, itemColumns, "InstanceId");
            var now = Value(item, itemColumns, "CreatedAt");
            var nextId = NewId();
            var writes = new List<Statement>
            {
                new(updateInstanceSql, [("@state", instance[0]), ("@status", instance[1]), ("@hasIncident", instance[2]), ("@updatedAt", now),
                    ("@endedAt", instance[4]), ("@revision", (long)instance[5]! + 1), ("@id", instanceId), ("@previous", instance[5])]),
                new(deleteCandidatesSql, [("@id", itemId)]),
                new(closeItemSql, [("@status", nameof(Casework.Data.Runtime.Records.WorkItemStatus.Completed)), ("@closedAt", now),
                    ("@closedBy", "bench"), ("@id", itemId)]),
            };
            var next = (object?[])item.Clone();
            next[Array.IndexOf(itemColumns, "Id")] = nextId;
            next[Array.IndexOf(itemColumns, "TaskId")] = $"bench-{++sequence}";
            writes.Add(new(insertItemSql, Numbered(next)));
            foreach (var template in candidateTemplate)
            {
                var candidate = (object?[])template.Clone();
                candidate[Array.IndexOf(candidateColumns, "WorkItemId")] = nextId;
                writes.Add(new(insertCandidateSql, Numbered(candidate)));
            }

            var entry = (object?[])journalTemplate.Clone();
            entry[Array.IndexOf(journalColumns, "InstanceId")] = instanceId;
            entry[Array.IndexOf(journalColumns, "Revision")] = (long)instance[5]! + 1;
            writes.Add(new(insertJournalSql, Numbered(entry)));
            if (await ExecuteAsync(connection, transaction, writes) != 1)
            {
                throw new InvalidOperationException($"Instance {instanceId} changed underneath the baseline.");
            }

            var written = Stopwatch.GetTimestamp();
            writeTicks += written - read;
            await transaction.CommitAsync();
            commitTicks += Stopwatch.GetTimestamp() - written;
            open[slot] = nextId;
        }

        return steps / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The writes in one round trip where the provider batches (as the runtime does), else one by one.</summary>
    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, List<Statement> writes)
    {
        if (!connection.CanCreateBatch)
        {
            var counts = new List<int>();
            foreach (var write in writes)
            {
                await using var command = Command(connection, transaction, write.Sql, write.Parameters);
                counts.Add(await command.ExecuteNonQueryAsync());
            }

            return counts[0];
        }

        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var write in writes)
        {
            var statement = batch.CreateBatchCommand();
            statement.CommandText = write.Sql;
            foreach (var (name, value) in write.Parameters)
            {
                statement.Parameters.Add(Bind(statement.CreateParameter(), name, value));
            }

            batch.BatchCommands.Add(statement);
        }

        await batch.ExecuteNonQueryAsync();
        return batch.BatchCommands[0].RecordsAffected;
    }

    private static (string Name, object? Value)[] Numbered(object?[] values) => [.. values.Select((v, i) => ($"@p{i}", v))];

    private static DbParameter Bind(DbParameter parameter, string name, object? value)
    {
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }

    private double Micro(long ticks) => ticks * 1e6 / Stopwatch.Frequency / measured;

    private object NewId() => textIds ? Guid.CreateVersion7().ToString().ToUpperInvariant() : Guid.CreateVersion7();

    private static object? Value(object?[] row, string[] columns, string column) => row[Array.IndexOf(columns, column)];

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(Bind(command.CreateParameter(), name, value));
        }

        return command;
    }

    private static async Task<string[]> ColumnsAsync(DbConnection connection, string table)
    {
        await using var command = Command(connection, null, $"SELECT * FROM {Q(table)} WHERE 1 = 0");
        await using var reader = await command.ExecuteReaderAsync();
        return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
    }

    private static async Task<object?[][]> RowsAsync(DbConnection connection, string sql)
    {
        await using var command = Command(connection, null, sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var values = new object?[reader.FieldCount];
            reader.GetValues(values!);
            rows.Add([.. values.Select(v => v is DBNull ? null : v)]);
        }

        return rows.Count > 0 ? [.. rows] : throw new InvalidOperationException($"No rows for: {sql}");
    }

    private static string Insert(string table, string[] columns) =>
        $"INSERT INTO {Q(table)} ({List(columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";

    private static string List(string[] columns) => string.Join(", ", columns.Select(Q));

    private static string Q(string name) => $"\"{name}\"";

    /// <summary>One write of the transaction: its SQL and parameter values.</summary>
    private sealed record Statement(string Sql, (string Name, object? Value)[] Parameters);
}
