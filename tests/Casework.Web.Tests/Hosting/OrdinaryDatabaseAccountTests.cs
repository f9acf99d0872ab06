using System.Net;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Providers;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Casework.Web.Tests.Hosting;

/// <summary>
/// A deployment on PostgreSQL gives the application an ordinary account that owns its database, not a superuser. The
/// node migrating on start must then still create everything, the trigram extension of the name search included (it is
/// a trusted extension, which a database's owner may create), and the name search must work through it.
/// </summary>
public sealed class OrdinaryDatabaseAccountTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANodeMigratingOnStart_AsTheDatabasesOwnerWithoutSuperuserRights_CreatesEverything_AndNameSearchWorks()
    {
        postgres.Server.RequireAvailable();
        var database = await postgres.Server.CreateDatabaseAsync("owner", Ct);
        var connectionString = await postgres.Server.CreateAccountAsync(database, owner: true, "Ordinary-Account-1", Ct);
        var account = new NpgsqlConnectionStringBuilder(connectionString).Username;
        await using var node = CaseworkWebFactory.ForPostgres(connectionString);
        using var client = node.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);

        await using var db = new PostgresCaseworkDbContext(new DbContextOptionsBuilder<PostgresCaseworkDbContext>()
            .UseNpgsql(ProviderSetup.PostgresConnectionString(connectionString)).Options);
        Assert.False(await Scalar<bool>(db, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(account, await Scalar<string>(db, "SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'pg_trgm'"));
        Assert.Equal(2, await Scalar<long>(db, "SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'"));

        // The name search, as the account, over a case it writes.
        Assert.False(await db.Cases.AnyAsync(Ct));
        db.Cases.Add(new CaseRecord
        {
            Id = Guid.NewGuid(), CaseNumber = "OWN-1", Office = "NBO", Year = 2026, Sequence = 1, RegisteredOn = new DateOnly(2026, 12, 6),
            Stage = "Registration", GivenName = "Amina", FamilyName = "Warsame", SearchKey = NameSearch.KeyOf("Amina", "Warsame", null),
            DateOfBirth = new DateOnly(1990, 1, 1), Sex = "Female", Nationalities = "SOM", CreatedBy = "test", CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        Assert.Equal(["OWN-1"], await db.Cases.Named(db, NameSearch.Fold("warsam")).Select(c => c.CaseNumber).ToListAsync(Ct));
    }

    private static async Task<T> Scalar<T>(DbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(Ct);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
