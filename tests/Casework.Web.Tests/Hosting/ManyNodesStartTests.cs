using System.Net;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Providers;
using Casework.Engine.Parsing;
using Casework.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Hosting;

/// <summary>
/// Several identical nodes started at the same moment on one PostgreSQL database, as a deployment restarts them all:
/// each imports <c>workflows/</c>, creates the roles, registers the configured clients and bootstraps the first
/// administrator, and none of them may fail to start or leave anything twice.
/// </summary>
public sealed class ManyNodesStartTests(PostgresFixture postgres)
{
    private const int Nodes = 3;
    private const string AdministratorName = "first.admin";
    private const string AdministratorPassword = "Bootstrap-Password-42!";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)] // the deployment applied the migrations beforehand; the nodes only seed
    [InlineData(true)] // a fresh database, every node migrating on start
    public async Task NodesStartingAtOnce_AllStart_AndEverythingTheySeedExistsOnce(bool migrateOnStart)
    {
        postgres.Server.RequireAvailable();
        // Rounds on fresh databases: the nodes' start-up work overlaps differently each time.
        for (var round = 0; round < 3; round++)
        {
            var database = await postgres.Server.CreateDatabaseAsync("starts", Ct);
            if (!migrateOnStart)
            {
                await using var migrator = NewContext(database);
                await migrator.Database.MigrateAsync(Ct);
            }

            var nodes = Enumerable.Range(0, Nodes).Select(_ => Node(database, migrateOnStart)).ToList();
            try
            {
                using var gate = new Barrier(Nodes);
                var starts = nodes.Select(node => Task.Run(() =>
                {
                    gate.SignalAndWait(Ct);
                    _ = node.Services; // builds and starts the host, running its start-up tasks
                }, Ct)).ToList();
                var failure = await Record.ExceptionAsync(() => Task.WhenAll(starts));
                Assert.Null(failure);

                foreach (var node in nodes)
                {
                    using var client = node.CreateClient();
                    var ready = await client.GetAsync("/health/ready", Ct);
                    Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                }

                await AssertSeededOnceAsync(database);

                // Each node may have made its own key for cookies and antiforgery tokens; what one protects, every
                // other reads (the load balancer sends a browser's next request anywhere).
                foreach (var from in nodes)
                {
                    var secret = from.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("many-nodes").Protect("signed in");
                    Assert.All(nodes, to => Assert.Equal("signed in",
                        to.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("many-nodes").Unprotect(secret)));
                }
            }
            finally
            {
                foreach (var node in nodes)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    private static async Task AssertSeededOnceAsync(string database)
    {
        await using var db = NewContext(database);
        var expected = Directory.GetFiles(RepositoryPaths.Combine("workflows"), "*.bpmn")
            .SelectMany(file => new BpmnParser().Parse(File.ReadAllText(file)).Processes).Select(p => p.ProcessId).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        var versions = await db.WorkflowDefinitions.Select(d => new { d.ProcessId, d.Version }).ToListAsync(Ct);
        Assert.Equal(expected, versions.Select(v => v.ProcessId).Order(StringComparer.Ordinal));
        Assert.All(versions, v => Assert.Equal(1, v.Version));

        var roles = await db.Roles.Select(r => r.NormalizedName).ToListAsync(Ct);
        Assert.Equal(roles.Count, roles.Distinct().Count());
        Assert.Contains(CaseworkRoles.Administrator.ToUpperInvariant(), roles);

        var administrators = await db.Users.Where(u => u.NormalizedUserName == AdministratorName.ToUpperInvariant()).ToListAsync(Ct);
        var administrator = Assert.Single(administrators);
        var administratorRole = await db.Roles.SingleAsync(r => r.NormalizedName == CaseworkRoles.Administrator.ToUpperInvariant(), Ct);
        Assert.Equal(1, await db.UserRoles.CountAsync(r => r.UserId == administrator.Id && r.RoleId == administratorRole.Id, Ct));

        var clients = await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>()
            .Where(a => a.ClientId == "casework-web").CountAsync(Ct);
        Assert.Equal(1, clients);
    }

    private static CaseworkWebFactory Node(string database, bool migrateOnStart)
    {
        var node = CaseworkWebFactory.ForPostgres(database);
        node.ExtraSettings["Database:MigrateOnStart"] = migrateOnStart ? "true" : "false";
        node.ExtraSettings["Auth:Issuer"] = "http://casework.test/";
        node.ExtraSettings["Bootstrap:Administrator:UserName"] = AdministratorName;
        node.ExtraSettings["Bootstrap:Administrator:Password"] = AdministratorPassword;
        node.ExtraSettings["Auth:Clients:0:ClientId"] = "casework-web";
        node.ExtraSettings["Auth:Clients:0:GrantTypes:0"] = "authorization_code";
        node.ExtraSettings["Auth:Clients:0:GrantTypes:1"] = "refresh_token";
        node.ExtraSettings["Auth:Clients:0:RedirectUris:0"] = "http://casework.test/signin-oidc";
        return node;
    }

    private static PostgresCaseworkDbContext NewContext(string database) =>
        new(new DbContextOptionsBuilder<PostgresCaseworkDbContext>().UseNpgsql(ProviderSetup.PostgresConnectionString(database)).Options);
}
