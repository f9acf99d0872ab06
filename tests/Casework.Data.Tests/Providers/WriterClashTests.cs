using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Casework.Data.Tests.Providers;

/// <summary>Work the database ended to settle a clash with another writer runs again; anything else is handed on at once.</summary>
public sealed class WriterClashTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string file = Path.Combine(Path.GetTempPath(), $"casework-writerclash-{Guid.NewGuid():N}.db");
    private SqliteConnection holder = null!;

    public async ValueTask InitializeAsync()
    {
        holder = new SqliteConnection($"Data Source={file};Pooling=False");
        await holder.OpenAsync(Ct);
        await using var create = new SqliteCommand("PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY);", holder);
        await create.ExecuteNonQueryAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await holder.DisposeAsync();
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AWriteTheDatabaseEndedToBreakADeadlock_RunsAgain_AndLandsOnce()
    {
        await using var db = Context();
        var attempts = 0;
        var written = await WriterClash.AgainAfterClashAsync(db, NullLogger.Instance, "a test write", async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var rows = await db.Database.ExecuteSqlRawAsync("INSERT INTO t VALUES (2);", Ct);
            if (++attempts == 1)
            {
                // What PostgreSQL answers the transaction it picked to end; its insert goes with it.
                throw Deadlock();
            }

            await transaction.CommitAsync(Ct);
            return rows;
        }, Ct);

        Assert.Equal(1, written);
        Assert.Equal(2, attempts);
        Assert.Equal([2L], await IdsAsync());
    }

    [Fact]
    public async Task AClashThatOutlivesItsAttempts_IsHandedOn_AndAnOuterUnitDoesNotMultiplyThem()
    {
        await using var db = Context();
        var attempts = 0;
        var outer = 0;
        var deadlock = await Assert.ThrowsAsync<PostgresException>(() => WriterClash.AgainAfterClashAsync(db, NullLogger.Instance, "an outer unit", () =>
        {
            outer++;
            return WriterClash.AgainAfterClashAsync<int>(db, NullLogger.Instance, "an inner unit", () =>
            {
                attempts++;
                throw Deadlock();
            }, Ct);
        }, Ct));

        Assert.True(DbErrors.IsClashWithAnotherWriter(deadlock), deadlock.Message);
        Assert.Equal(WriterClash.Attempts, attempts);
        Assert.Equal(1, outer);
    }

    [Fact]
    public async Task ASqliteFileStillBusyAfterTheBusyTimeout_IsHandedOnAfterOneWait_NotWaitedForAgain()
    {
        await using var holding = await HoldTheWriteLockAsync();

        await using var db = Context();
        var attempts = 0;
        var busy = await Assert.ThrowsAsync<SqliteException>(() => WriterClash.AgainAfterClashAsync(db, NullLogger.Instance, "a test write", () =>
        {
            attempts++;
            return db.Database.ExecuteSqlRawAsync("INSERT INTO t VALUES (2);", Ct);
        }, Ct));

        // The connection waited its timeout (one second here) for the other writer once; the person gets "try again"
        // then, not after two more waits as long.
        Assert.Equal(1, attempts);
        Assert.True(DbErrors.IsTransient(busy), busy.Message);
        await holding.RollbackAsync(Ct);
        Assert.Empty(await IdsAsync());
    }

    [Fact]
    public async Task ALostConnectionOrAnyOtherFailure_IsHandedOnAtOnce_SinceItsCommitMayHaveLanded()
    {
        await using var db = Context();
        var attempts = 0;
        await Assert.ThrowsAsync<NpgsqlException>(() => WriterClash.AgainAfterClashAsync<int>(db, NullLogger.Instance, "a test write",
            () => { attempts++; throw new NpgsqlException("Exception while reading from stream"); }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => WriterClash.AgainAfterClashAsync<int>(db, NullLogger.Instance, "a test write",
            () => { attempts++; throw new InvalidOperationException("not the database"); }, Ct));

        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task InsideACallersTransaction_TheCallerDecides()
    {
        await using var db = Context();
        await using var callers = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, Ct);
        var attempts = 0;
        await Assert.ThrowsAsync<PostgresException>(() => WriterClash.AgainAfterClashAsync<int>(db, NullLogger.Instance, "a test write",
            () => { attempts++; throw Deadlock(); }, Ct));

        Assert.Equal(1, attempts);
    }

    /// <summary>Another writer's open transaction with a row written: nobody else writes until it ends.</summary>
    private async Task<SqliteTransaction> HoldTheWriteLockAsync()
    {
        var holding = (SqliteTransaction)await holder.BeginTransactionAsync(Ct);
        await using var hold = new SqliteCommand("INSERT INTO t VALUES (1);", holder, holding);
        await hold.ExecuteNonQueryAsync(Ct);
        return holding;
    }

    private static PostgresException Deadlock() =>
        new("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);

    private DbContext Context() =>
        new(new DbContextOptionsBuilder().UseSqlite($"Data Source={file};Pooling=False;Default Timeout=1").Options);

    private async Task<List<long>> IdsAsync()
    {
        await using var read = new SqliteCommand("SELECT id FROM t ORDER BY id;", holder);
        await using var reader = await read.ExecuteReaderAsync(Ct);
        var ids = new List<long>();
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
