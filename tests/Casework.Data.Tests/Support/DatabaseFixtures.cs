using Casework.Testing;

namespace Casework.Data.Tests.Support;

/// <summary>
/// One migrated database per contract test class; each test starts from empty tables (Respawn on
/// PostgreSQL). Derive a contract suite's test classes from <see cref="StoreContract{TFixture}"/>.
/// </summary>
public interface IDatabaseFixture
{
    TestDatabase Database { get; }
}

public sealed class SqliteDatabaseFixture : IDatabaseFixture, IAsyncLifetime
{
    private SqliteTestDatabase? database;

    public TestDatabase Database => database!;

    public async ValueTask InitializeAsync() => database = await SqliteTestDatabase.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}

public sealed class PostgresDatabaseFixture(PostgresFixture postgres) : IDatabaseFixture, IAsyncLifetime
{
    private PostgresTestDatabase? database;

    public TestDatabase Database
    {
        get
        {
            postgres.Server.RequireAvailable();
            return database!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (postgres.Server.IsAvailable)
        {
            database = await PostgresTestDatabase.CreateAsync(postgres.Server, "contract");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Base of a contract suite: resets the class's database before each test.</summary>
public abstract class StoreContract<TFixture>(TFixture fixture) : IAsyncLifetime
    where TFixture : IDatabaseFixture
{
    protected TestDatabase Database => fixture.Database;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync() => await Database.ResetAsync(Ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
