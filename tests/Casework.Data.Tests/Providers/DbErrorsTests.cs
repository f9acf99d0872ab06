using Microsoft.Data.Sqlite;
using Npgsql;

namespace Casework.Data.Tests.Providers;

/// <summary>Which refusals of a database mean "try again": the API answers them 503 with Retry-After instead of 500.</summary>
public sealed class DbErrorsTests
{
    [Fact]
    public async Task ASqliteWriterThatFindsTheDatabaseLockedPastItsBusyTimeout_IsTransient_AndABrokenUniqueIndexIsNot()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(Path.GetTempPath(), $"casework-dberrors-{Guid.NewGuid():N}.db");
        try
        {
            await using var first = new SqliteConnection($"Data Source={file};Pooling=False");
            await using var second = new SqliteConnection($"Data Source={file};Pooling=False;Default Timeout=1");
            await first.OpenAsync(ct);
            await second.OpenAsync(ct);
            await Execute(first, "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);");
            await Execute(second, "PRAGMA busy_timeout=50;");
            await using var holding = await first.BeginTransactionAsync(ct);
            await Execute(first, "INSERT INTO t VALUES (2);");

            var busy = await Assert.ThrowsAsync<SqliteException>(() => Execute(second, "INSERT INTO t VALUES (3);"));
            await holding.RollbackAsync(ct);
            var duplicate = await Assert.ThrowsAsync<SqliteException>(() => Execute(second, "INSERT INTO t VALUES (1);"));

            Assert.True(DbErrors.IsTransient(busy), busy.Message);
            // Reported only after the busy timeout: waited for already, so not run again (WriterClashTests).
            Assert.False(DbErrors.IsClashWithAnotherWriter(busy), busy.Message);
            Assert.True(DbErrors.IsTransient(new InvalidOperationException("wrapped", busy)));
            Assert.False(DbErrors.IsTransient(duplicate), duplicate.Message);
            Assert.False(DbErrors.IsClashWithAnotherWriter(duplicate), duplicate.Message);
        }
        finally
        {
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }

        async Task Execute(SqliteConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    [Theory]
    [InlineData(PostgresErrorCodes.DeadlockDetected, true)]
    [InlineData(PostgresErrorCodes.SerializationFailure, true)]
    [InlineData(PostgresErrorCodes.LockNotAvailable, true)]
    [InlineData(PostgresErrorCodes.UniqueViolation, false)]
    [InlineData(PostgresErrorCodes.ForeignKeyViolation, false)]
    public void APostgresRefusal_IsTransientOnlyWhenTheServerGaveUpForTheMoment(string sqlState, bool transient)
    {
        var refusal = new PostgresException("refused", "ERROR", "ERROR", sqlState);

        Assert.Equal(transient, DbErrors.IsTransient(refusal));
        Assert.Equal(transient, DbErrors.IsTransient(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", refusal)));
        Assert.False(DbErrors.IsTransient(new InvalidOperationException("not a database's")));
    }

    [Fact]
    public void OnlyAClashWithAnotherWriter_EndsATransactionForCertain_ALostConnectionMayHaveCommitted()
    {
        var deadlock = new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);
        var lostConnection = new NpgsqlException("Exception while reading from stream", new EndOfStreamException());

        Assert.True(DbErrors.IsClashWithAnotherWriter(deadlock));
        Assert.True(DbErrors.IsClashWithAnotherWriter(new InvalidOperationException("wrapped", deadlock)));
        Assert.True(DbErrors.IsClashWithAnotherWriter(new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure)));
        Assert.True(DbErrors.IsTransient(lostConnection));
        Assert.False(DbErrors.IsClashWithAnotherWriter(lostConnection));
        Assert.False(DbErrors.IsClashWithAnotherWriter(new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        // A lock wait that ran out the connection's lock_timeout is transient, but it has waited for the other writer already.
        var lockTimeout = new PostgresException("canceling statement due to lock timeout", "ERROR", "ERROR", PostgresErrorCodes.LockNotAvailable);
        Assert.True(DbErrors.IsTransient(lockTimeout));
        Assert.False(DbErrors.IsClashWithAnotherWriter(lockTimeout));
        Assert.False(DbErrors.IsClashWithAnotherWriter(new InvalidOperationException("not a database's")));
    }
}
