using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Demo;

public sealed class DemoDataTests
{
    [Fact]
    public async Task EmptyDatabase_WithDemoEnabled_GetsAUserPerRoleAndCasesAtManyStages()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var factory = CaseworkWebFactory.ForSqlite();
        await using var demo = factory.WithWebHostBuilder(b => b.UseSetting("Demo:Enabled", "true").UseSetting("Demo:Cases", "30")
            .UseSetting("Runtime:Workers:Enabled", "false"));
        demo.CreateClient().Dispose();
        await using var scope = demo.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();

        foreach (var role in CaseworkRoles.All)
        {
            Assert.NotEmpty(await users.GetUsersInRoleAsync(role));
        }

        Assert.NotNull((await users.FindByNameAsync("partner"))!.OrganisationId);
        Assert.Equal(30, await db.Instances.CountAsync(i => i.ProcessId == "asylum-claim", ct));
        var queues = await db.WorkItems.Where(w => w.Status == WorkItemStatus.Open).Select(w => w.ElementId).Distinct().ToListAsync(ct);
        Assert.True(queues.Count >= 6, "Open tasks at: " + string.Join(", ", queues));
        var processes = await db.Instances.Select(i => i.ProcessId).Distinct().ToListAsync(ct);
        Assert.Contains("appeal", processes);
        Assert.Contains("durable-solutions", processes);
        Assert.Contains(await db.Timers.Select(t => t.ElementId).ToListAsync(ct), e => e == "windowClosed"); // the return path's timer
    }

    [Fact]
    public async Task DemoData_IsNotCreatedWhenDisabled()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        factory.CreateClient().Dispose();
        await using var scope = factory.Services.CreateAsyncScope();

        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Users.CountAsync(TestContext.Current.CancellationToken));
    }
}
