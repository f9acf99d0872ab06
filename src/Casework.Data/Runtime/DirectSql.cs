using System.Collections.Concurrent;
using System.Data.Common;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Casework.Data.Runtime;

/// <summary>
/// Plain ADO.NET for the runtime's hot path (completing a user task): one query reads the work item with its instance,
/// one batch writes the command, on the context's own connection and transaction. Table names, column names and the
/// conversion of every parameter and value come from the EF Core model, so the rows are exactly the ones change
/// tracking would write. Used on SQLite and PostgreSQL; other providers take the change-tracking path.
/// </summary>
public sealed class DirectSql
{
    private readonly ConcurrentDictionary<IModel, Statements?> byModel = new();
    private long written;

    /// <summary>How many commands this path has written (tests use it to know the path was taken).</summary>
    internal long Written => Interlocked.Read(ref written);

    /// <summary>The statements for this context's model, or null when its provider is not one this path is tested on.</summary>
    internal Statements? For(CaseworkDbContext db) =>
        byModel.GetOrAdd(db.Model, model => db.Database.ProviderName is "Microsoft.EntityFrameworkCore.Sqlite" or "Npgsql.EntityFrameworkCore.PostgreSQL"
            ? new Statements(this, model, db.GetService<ISqlGenerationHelper>())
            : null);

    /// <summary>SQL built once per model, and the readers and parameter writers that go with it.</summary>
    internal sealed class Statements
    {
        private readonly DirectSql owner;
        private readonly Table instances;
        private readonly Table workItems;
        private readonly Table candidates;
        private readonly Table timers;
        private readonly Table journal;
        private readonly string loadTask;
        private readonly string updateInstance;
        private readonly string closeWorkItem;
        private readonly string deleteCandidates;
        private readonly string deleteTimer;

        public Statements(DirectSql owner, IModel model, ISqlGenerationHelper sql)
        {
            this.owner = owner;
            instances = new Table(model.FindEntityType(typeof(WorkflowInstanceRecord))!, sql);
            workItems = new Table(model.FindEntityType(typeof(WorkItemRecord))!, sql);
            candidates = new Table(model.FindEntityType(typeof(WorkItemCandidateRecord))!, sql);
            timers = new Table(model.FindEntityType(typeof(TimerRecord))!, sql);
            journal = new Table(model.FindEntityType(typeof(JournalEntryRecord))!, sql);
            loadTask = $"SELECT {workItems.SelectList("w")}, {instances.SelectList("i")} FROM {workItems.Name} w "
                + $"INNER JOIN {instances.Name} i ON i.{instances.Column(nameof(WorkflowInstanceRecord.Id))} = w.{workItems.Column(nameof(WorkItemRecord.InstanceId))} "
                + $"WHERE w.{workItems.Column(nameof(WorkItemRecord.Id))} = @id";
            string I(string property) => instances.Column(property);
            updateInstance = $"UPDATE {instances.Name} SET {I(nameof(WorkflowInstanceRecord.State))} = @state, "
                + $"{I(nameof(WorkflowInstanceRecord.Status))} = @status, {I(nameof(WorkflowInstanceRecord.HasIncident))} = @hasIncident, "
                + $"{I(nameof(WorkflowInstanceRecord.UpdatedAt))} = @updatedAt, {I(nameof(WorkflowInstanceRecord.EndedAt))} = @endedAt, "
                + $"{I(nameof(WorkflowInstanceRecord.Revision))} = @revision "
                + $"WHERE {I(nameof(WorkflowInstanceRecord.Id))} = @id AND {I(nameof(WorkflowInstanceRecord.Revision))} = @previous";
            string W(string property) => workItems.Column(property);
            closeWorkItem = $"UPDATE {workItems.Name} SET {W(nameof(WorkItemRecord.Status))} = @status, {W(nameof(WorkItemRecord.ClosedAt))} = @closedAt, "
                + $"{W(nameof(WorkItemRecord.ClosedBy))} = @closedBy, {W(nameof(WorkItemRecord.Revision))} = {W(nameof(WorkItemRecord.Revision))} + 1 "
                + $"WHERE {W(nameof(WorkItemRecord.Id))} = @id";
            deleteCandidates = $"DELETE FROM {candidates.Name} WHERE {candidates.Column(nameof(WorkItemCandidateRecord.WorkItemId))} = @id";
            deleteTimer = $"DELETE FROM {timers.Name} WHERE {timers.Column(nameof(TimerRecord.InstanceId))} = @instance "
                + $"AND {timers.Column(nameof(TimerRecord.TimerId))} = @timer";
        }

        /// <summary>The work item and its instance, read together (the caller opens the connection); null when the item does not exist.</summary>
        public async Task<(WorkItemRecord Item, WorkflowInstanceRecord Instance)?> LoadTaskAsync(CaseworkDbContext db, Guid workItemId,
            CancellationToken cancellationToken)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = loadTask;
            workItems.Parameter(command, "@id", nameof(WorkItemRecord.Id), workItemId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var item = new WorkItemRecord { TaskId = string.Empty, ElementId = string.Empty };
            var instance = new WorkflowInstanceRecord { ProcessId = string.Empty, State = string.Empty };
            workItems.Read(reader, 0, item);
            instances.Read(reader, workItems.Count, instance);
            return (item, instance);
        }

        /// <summary>
        /// Writes one completed task in the open transaction: the instance (only if its revision is still
        /// <paramref name="previousRevision"/>), the closed item and its queue rows, new items, timers and the journal
        /// entry. False when another command changed the instance first; the caller then rolls back.
        /// </summary>
        public async Task<bool> WriteAsync(DbTransaction transaction, WorkflowInstanceRecord instance, long previousRevision,
            Guid closedItem, WorkItemStatus closedAs, string actor, DateTimeOffset now, IReadOnlyList<WorkItemRecord> opened,
            IReadOnlyList<TimerRecord> scheduled, IReadOnlyList<string> cancelledTimers, JournalEntryRecord entry, CancellationToken cancellationToken)
        {
            var connection = transaction.Connection!;
            var commands = new List<DbCommand>();
            DbCommand Add(string text)
            {
                var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = text;
                commands.Add(command);
                return command;
            }

            try
            {
                var update = Add(updateInstance);
                instances.Parameter(update, "@state", nameof(WorkflowInstanceRecord.State), instance.State);
                instances.Parameter(update, "@status", nameof(WorkflowInstanceRecord.Status), instance.Status);
                instances.Parameter(update, "@hasIncident", nameof(WorkflowInstanceRecord.HasIncident), instance.HasIncident);
                instances.Parameter(update, "@updatedAt", nameof(WorkflowInstanceRecord.UpdatedAt), instance.UpdatedAt);
                instances.Parameter(update, "@endedAt", nameof(WorkflowInstanceRecord.EndedAt), instance.EndedAt);
                instances.Parameter(update, "@revision", nameof(WorkflowInstanceRecord.Revision), instance.Revision);
                instances.Parameter(update, "@id", nameof(WorkflowInstanceRecord.Id), instance.Id);
                instances.Parameter(update, "@previous", nameof(WorkflowInstanceRecord.Revision), previousRevision);

                var delete = Add(deleteCandidates);
                candidates.Parameter(delete, "@id", nameof(WorkItemCandidateRecord.WorkItemId), closedItem);
                var close = Add(closeWorkItem);
                workItems.Parameter(close, "@status", nameof(WorkItemRecord.Status), closedAs);
                workItems.Parameter(close, "@closedAt", nameof(WorkItemRecord.ClosedAt), now);
                workItems.Parameter(close, "@closedBy", nameof(WorkItemRecord.ClosedBy), actor);
                workItems.Parameter(close, "@id", nameof(WorkItemRecord.Id), closedItem);

                foreach (var item in opened)
                {
                    workItems.Insert(Add(workItems.InsertSql), item);
                    foreach (var candidate in item.Candidates)
                    {
                        candidates.Insert(Add(candidates.InsertSql), candidate);
                    }
                }

                foreach (var timer in cancelledTimers)
                {
                    var command = Add(deleteTimer);
                    timers.Parameter(command, "@instance", nameof(TimerRecord.InstanceId), instance.Id);
                    timers.Parameter(command, "@timer", nameof(TimerRecord.TimerId), timer);
                }

                foreach (var timer in scheduled)
                {
                    timers.Insert(Add(timers.InsertSql), timer);
                }

                journal.Insert(Add(journal.InsertSql), entry);
                if (await ExecuteAsync(connection, transaction, commands, cancellationToken) != 1)
                {
                    return false;
                }

                Interlocked.Increment(ref owner.written);
                return true;
            }
            finally
            {
                foreach (var command in commands)
                {
                    await command.DisposeAsync();
                }
            }
        }

        /// <summary>Runs the commands (one round trip where the provider batches); returns the rows the first one changed.</summary>
        private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, List<DbCommand> commands,
            CancellationToken cancellationToken)
        {
            if (!connection.CanCreateBatch)
            {
                var first = await commands[0].ExecuteNonQueryAsync(cancellationToken);
                if (first != 1)
                {
                    return first;
                }

                for (var i = 1; i < commands.Count; i++)
                {
                    await commands[i].ExecuteNonQueryAsync(cancellationToken);
                }

                return first;
            }

            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var command in commands)
            {
                var batchCommand = batch.CreateBatchCommand();
                batchCommand.CommandText = command.CommandText;
                foreach (DbParameter parameter in command.Parameters)
                {
                    var copy = batchCommand.CreateParameter();
                    copy.ParameterName = parameter.ParameterName;
                    copy.DbType = parameter.DbType;
                    copy.Value = parameter.Value;
                    copy.Size = parameter.Size;
                    batchCommand.Parameters.Add(copy);
                }

                batch.BatchCommands.Add(batchCommand);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            return batch.BatchCommands[0].RecordsAffected;
        }
    }

    /// <summary>One mapped table: its name, columns and the type mapping of each property.</summary>
    private sealed class Table
    {
        private readonly IProperty[] properties;
        private readonly Dictionary<string, (string Column, IProperty Property, RelationalTypeMapping Mapping)> byName = [];
        private readonly IProperty[] inserted;

        public Table(IEntityType entity, ISqlGenerationHelper sql)
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            Name = sql.DelimitIdentifier(table.Name, table.Schema);
            properties = [.. entity.GetProperties()];
            foreach (var property in properties)
            {
                byName[property.Name] = (sql.DelimitIdentifier(property.GetColumnName(table)!), property, property.GetRelationalTypeMapping());
            }

            // Store-generated keys (the journal's identity) are left to the database.
            inserted = [.. properties.Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd && p.ClrType == typeof(long)))];
            InsertSql = $"INSERT INTO {Name} ({string.Join(", ", inserted.Select(p => byName[p.Name].Column))}) "
                + $"VALUES ({string.Join(", ", inserted.Select((_, i) => $"@p{i}"))})";
        }

        public string Name { get; }

        public string InsertSql { get; }

        public int Count => properties.Length;

        public string Column(string property) => byName[property].Column;

        public string SelectList(string alias) => string.Join(", ", properties.Select(p => $"{alias}.{byName[p.Name].Column}"));

        public void Parameter(DbCommand command, string name, string property, object? value)
        {
            var (_, p, mapping) = byName[property];
            command.Parameters.Add(mapping.CreateParameter(command, name, value, p.IsNullable));
        }

        public void Insert(DbCommand command, object entity)
        {
            for (var i = 0; i < inserted.Length; i++)
            {
                var property = inserted[i];
                command.Parameters.Add(byName[property.Name].Mapping.CreateParameter(command, $"@p{i}", property.GetGetter().GetClrValue(entity),
                    property.IsNullable));
            }
        }

        /// <summary>Fills <paramref name="entity"/> from the columns starting at <paramref name="offset"/> (in <see cref="SelectList"/> order).</summary>
        public void Read(DbDataReader reader, int offset, object entity)
        {
            for (var i = 0; i < properties.Length; i++)
            {
                var property = properties[i];
                if (property.PropertyInfo is not { } clr)
                {
                    continue;
                }

                var mapping = byName[property.Name].Mapping;
                object? value = null;
                if (!reader.IsDBNull(offset + i))
                {
                    var converter = mapping.Converter;
                    var stored = ReadValue(reader, offset + i, converter?.ProviderClrType ?? property.ClrType);
                    value = converter is null ? stored : converter.ConvertFromProvider(stored);
                }

                clr.SetValue(entity, value);
            }
        }

        private static object ReadValue(DbDataReader reader, int ordinal, Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            return type switch
            {
                _ when type == typeof(string) => reader.GetString(ordinal),
                _ when type == typeof(Guid) => reader.GetFieldValue<Guid>(ordinal),
                _ when type == typeof(long) => reader.GetInt64(ordinal),
                _ when type == typeof(int) => reader.GetInt32(ordinal),
                _ when type == typeof(bool) => reader.GetBoolean(ordinal),
                _ when type == typeof(DateTimeOffset) => reader.GetFieldValue<DateTimeOffset>(ordinal),
                _ when type == typeof(DateTime) => reader.GetDateTime(ordinal),
                _ when type.IsEnum => Enum.ToObject(type, reader.GetInt64(ordinal)),
                _ => reader.GetValue(ordinal),
            };
        }
    }
}
