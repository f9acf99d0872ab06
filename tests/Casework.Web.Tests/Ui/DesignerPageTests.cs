using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using Casework.Data;
using Casework.Data.Definitions;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// The workflow list and designer, in a real browser with bpmn-js drawing the reference workflows: supervisors edit a
/// diagram on the canvas, save it as a draft, check it, publish it and retire versions; auditors only read.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DesignerPageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASupervisor_RenamesATaskOnTheCanvas_PublishesTheNextVersion_AndRetiresTheOldOne()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows", "super.a", ApiHost.Password);

        var appeal = page.Locator("[data-process=appeal]");
        Assert.Equal("Published", await appeal.Locator("tr[data-version='1'] [data-testid=status]").InnerTextAsync());
        // The only published version of a process is not offered for retirement.
        Assert.Equal(0, await appeal.Locator("tr[data-version='1']").GetByRole(AriaRole.Link, new() { Name = "Retire…" }).CountAsync());
        Assert.Equal(1, await appeal.Locator("tr[data-version='1'] [data-testid=only-published]").CountAsync());
        await appeal.GetByRole(AriaRole.Link, new() { Name = "Open in the designer" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows/appeal");
        await CanvasReadyAsync(page);
        Assert.Contains("Version 1 (published)", await page.GetByTestId("showing").InnerTextAsync(), StringComparison.Ordinal);

        await RenameAsync(page, "decideAppeal", "Decide the appeal on the file");
        await page.GetByLabel("Release note").FillAsync("The appeal decision is taken on the file.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as a new version" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?published=appeal&version=2");
        Assert.Contains("Published appeal version 2", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);

        var versions = await VersionsAsync(host, "appeal");
        var published = Assert.Single(versions, v => v.Version == 2);
        Assert.DoesNotContain(versions, v => v.Version == 0);
        Assert.Equal(("super.a", "The appeal decision is taken on the file.", DefinitionStatus.Published),
            (published.PublishedBy, published.ReleaseNote, published.Status));
        Assert.Contains("name=\"Decide the appeal on the file\"", published.BpmnXml, StringComparison.Ordinal);
        // What bpmn-js does not know (the project's own attributes) survives the round trip through the canvas.
        Assert.Contains("cw:fourEyesWith=\"draftDecision,reviewDecision\"", published.BpmnXml, StringComparison.Ordinal);
        Assert.Contains("cw:handler=\"appeal.check-timing\"", published.BpmnXml, StringComparison.Ordinal);

        // Retiring asks first, then takes effect; the newest version stays published.
        await appeal.Locator("tr[data-version='1']").GetByRole(AriaRole.Link, new() { Name = "Retire…" }).ClickAsync();
        var confirm = page.GetByTestId("confirm-retire");
        Assert.Contains("Retire appeal version 1?", await confirm.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(DefinitionStatus.Published, (await VersionsAsync(host, "appeal")).Single(v => v.Version == 1).Status);
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Retire version 1" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?retired=appeal&version=1");
        Assert.Equal("Retired", await appeal.Locator("tr[data-version='1'] [data-testid=status]").InnerTextAsync());
        Assert.Equal(0, await appeal.Locator("tr[data-version='1']").GetByRole(AriaRole.Link, new() { Name = "Retire…" }).CountAsync());
        Assert.Equal([(1, DefinitionStatus.Retired), (2, DefinitionStatus.Published)],
            (await VersionsAsync(host, "appeal")).Select(v => (v.Version, v.Status)).ToList());
        Assert.Equal(1, await appeal.Locator("tr[data-version='2'] [data-testid=only-published]").CountAsync());

        // Posting the retirement of the last published version anyway (an old confirmation page) is refused, and nothing changes.
        await page.GotoAsync("/workflows?confirmRetire=appeal&version=2");
        await page.GetByTestId("confirm-retire").GetByRole(AriaRole.Button, new() { Name = "Retire version 2" }).ClickAsync();
        var refusal = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "only published version of appeal" });
        await refusal.WaitForAsync();
        Assert.Contains("Publish a new version first", await refusal.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal([(1, DefinitionStatus.Retired), (2, DefinitionStatus.Published)],
            (await VersionsAsync(host, "appeal")).Select(v => (v.Version, v.Status)).ToList());
    }

    [Fact]
    public async Task ASupervisor_DiscardsADraftAfterConfirming_ADraftSavedMeanwhileIsKept_AndStaleConfirmationsAreAnswered()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"));
        var api = await host.ClientForAsync("super.a");
        var appealXml = await api.GetStringAsync("/api/workflow-definitions/appeal/versions/1/bpmn", Ct);
        await api.PutAsJsonAsync("/api/workflow-definitions/appeal/draft", new { bpmn = appealXml + "\n<!-- first draft -->" }, Ct);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows", "super.a", ApiHost.Password);

        var appeal = page.Locator("[data-process=appeal]");
        await appeal.GetByRole(AriaRole.Link, new() { Name = "Discard draft…" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?confirmDiscard=appeal");
        Assert.Contains("Its published versions, and the cases running on them, are not affected.",
            await page.GetByTestId("confirm-discard").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await DraftsAsync(host, "appeal"));

        // A colleague saves another draft while the confirmation is open: theirs is kept.
        await api.PutAsJsonAsync("/api/workflow-definitions/appeal/draft", new { bpmn = appealXml + "\n<!-- second draft -->" }, Ct);
        var kept = await HeadlessChromium.RunAndLoadAsync(page,
            () => page.GetByRole(AriaRole.Button, new() { Name = "Discard the draft" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(412, kept.Status);
        Assert.Contains("so it was kept", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("second draft", await api.GetStringAsync("/api/workflow-definitions/appeal/versions/0/bpmn", Ct), StringComparison.Ordinal);

        await page.GotoAsync("/workflows");
        await appeal.GetByRole(AriaRole.Link, new() { Name = "Discard draft…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Discard the draft" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?discarded=appeal");
        Assert.Contains("Discarded the draft of appeal", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await appeal.GetByTestId("draft-chip").CountAsync());
        Assert.Equal(0, await DraftsAsync(host, "appeal"));
        Assert.Equal([(1, DefinitionStatus.Published)], (await VersionsAsync(host, "appeal")).Select(v => (v.Version, v.Status)).ToList());

        // A confirmation left open while someone else discarded the draft says so, and one for a retirement someone
        // else made says that too (their forms are still answered, not refused as unknown).
        await api.PutAsJsonAsync("/api/workflow-definitions/tracing/draft", new { bpmn = appealXml.Replace("\"appeal\"", "\"tracing\"", StringComparison.Ordinal) }, Ct);
        await page.GotoAsync("/workflows?confirmDiscard=tracing");
        Assert.Contains("never published, so the workflow goes with it", await page.GetByTestId("confirm-discard").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/workflow-definitions/tracing/draft", Ct)).StatusCode);
        var gone = await HeadlessChromium.RunAndLoadAsync(page,
            () => page.GetByRole(AriaRole.Button, new() { Name = "Discard the draft" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(409, gone.Status);
        Assert.Contains("There is no draft of tracing any more", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);

        await api.PutAsJsonAsync("/api/workflow-definitions/appeal/draft", new { bpmn = appealXml.Replace("cw:due=\"P90D\"", "cw:due=\"P60D\"", StringComparison.Ordinal) }, Ct);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/workflow-definitions/appeal/draft/publish", new { releaseNote = "v2" }, Ct)).StatusCode);
        await page.GotoAsync("/workflows?confirmRetire=appeal&version=1");
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync("/api/workflow-definitions/appeal/versions/1/retire", null, Ct)).StatusCode);
        var retired = await HeadlessChromium.RunAndLoadAsync(page,
            () => page.GetByRole(AriaRole.Button, new() { Name = "Retire version 1" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(409, retired.Status);
        Assert.Contains("That version is not published", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
    }

    private static async Task<int> DraftsAsync(ApiHost host, string processId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkflowDefinitions
            .CountAsync(d => d.ProcessId == processId && d.Version == 0, Ct);
    }

    [Fact]
    public async Task ASupervisor_CreatesANewWorkflow_OpensItInTheDesigner_AndPublishesIt()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"), ("auditor.a", "Auditor"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows", "super.a", ApiHost.Password);
        var before = (await VersionsAsync(host, "appeal")).Count;

        // An id that cannot name a process, and one already taken, are refused beside the field with the entries kept.
        await page.FillAsync("#newProcessId", "Family Tracing!");
        await page.FillAsync("#newName", "Family tracing & reunification");
        var malformed = await HeadlessChromium.PostFormAsync(page, "Create and open in the designer");
        Assert.Equal((int)HttpStatusCode.BadRequest, malformed.Status);
        Assert.Contains("lower-case letters, digits and hyphens", await page.Locator("[data-error=processId]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Family tracing & reunification", await page.InputValueAsync("#newName"));
        await page.FillAsync("#newProcessId", "appeal");
        var taken = await HeadlessChromium.PostFormAsync(page, "Create and open in the designer");
        Assert.Equal((int)HttpStatusCode.Conflict, taken.Status);
        Assert.Contains("There is already a workflow 'appeal'", await page.Locator("[data-error=processId]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await VersionsAsync(host, "appeal")).Count);

        // Created: the designer opens on a draft holding a start and an end event.
        await page.FillAsync("#newProcessId", "family-tracing");
        await HeadlessChromium.PostFormAsync(page, "Create and open in the designer");
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows/family-tracing");
        await CanvasReadyAsync(page);
        Assert.Contains("The draft", await page.GetByTestId("showing").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#designer-canvas g.djs-element[data-element-id=start]").IsVisibleAsync());
        Assert.True(await page.Locator("#designer-canvas g.djs-element[data-element-id=end]").IsVisibleAsync());

        // The list shows it as not published yet, to the auditor as well.
        var auditor = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(auditor, "/workflows", "auditor.a", ApiHost.Password);
        Assert.Equal(1, await auditor.Locator("[data-process=family-tracing] [data-testid=not-published]").CountAsync());
        Assert.Equal(0, await auditor.GetByTestId("new-workflow").CountAsync());

        // Published as it is: version 1, under the name given, and new cases could start on it.
        await page.GetByLabel("Release note").FillAsync("First version: tracing requests are recorded.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as a new version" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?published=family-tracing&version=1");
        var published = Assert.Single(await VersionsAsync(host, "family-tracing"));
        Assert.Equal((1, DefinitionStatus.Published, "Family tracing & reunification", "super.a"),
            (published.Version, published.Status, published.Name, published.PublishedBy));
    }

    [Fact]
    public async Task ADraftWithAProblem_IsShownByElementAndMarkedOnTheDiagram_AndIsNotPublished_WhileAuditorsOnlyRead()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"), ("auditor.a", "Auditor"), ("officer.a", "EligibilityOfficer"));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var v1 = (await VersionsAsync(host, "appeal")).Single(v => v.Version == 1);
            var broken = v1.BpmnXml.Replace("cw:due=\"P90D\"", "cw:due=\"ninety days\"", StringComparison.Ordinal);
            Assert.NotEqual(v1.BpmnXml, broken);
            await scope.ServiceProvider.GetRequiredService<DefinitionService>().SaveDraftAsync("appeal", broken, null, Ct);
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/appeal", "super.a", ApiHost.Password);
        await CanvasReadyAsync(page);
        Assert.Contains("The draft", await page.GetByTestId("showing").InnerTextAsync(), StringComparison.Ordinal);

        var checkedResponse = await HeadlessChromium.PostFormAsync(page, "Check for problems");
        Assert.Equal((int)HttpStatusCode.OK, checkedResponse.Status);
        await CanvasReadyAsync(page);
        var problem = page.Locator("[data-testid=problems] li[data-problem-element=decideAppeal]");
        Assert.Contains("decideAppeal", await problem.InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("#designer-canvas g.djs-element.cw-problem[data-element-id=decideAppeal]").WaitForAsync();
        Assert.Equal(1, await page.Locator("#designer-canvas g.cw-problem").CountAsync());

        var refused = await HeadlessChromium.PostFormAsync(page, "Publish as a new version");
        Assert.Equal((int)HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Not published", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("[data-testid=problems] li[data-problem-element=decideAppeal]").CountAsync());
        var versions = await VersionsAsync(host, "appeal");
        Assert.Equal([0, 1], versions.Select(v => v.Version).ToList());
        Assert.Contains("ninety days", versions[0].BpmnXml, StringComparison.Ordinal);

        // Auditors read the draft and every version, with nothing to change them by.
        var auditor = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(auditor, "/workflows", "auditor.a", ApiHost.Password);
        Assert.Equal(1, await auditor.GetByTestId("draft-chip").CountAsync());
        Assert.Equal(0, await auditor.GetByRole(AriaRole.Link, new() { Name = "Retire…" }).CountAsync());
        await auditor.Locator("[data-process=appeal]").GetByRole(AriaRole.Link, new() { Name = "View the diagram" }).ClickAsync();
        await CanvasReadyAsync(auditor);
        Assert.Equal(0, await auditor.Locator("form#designer-form").CountAsync());
        Assert.Equal(0, await auditor.Locator(".djs-palette").CountAsync());
        Assert.True(await auditor.Locator("#designer-canvas g.djs-element[data-element-id=decideAppeal]").IsVisibleAsync());

        // Officers work cases; the workflows are not theirs to see on screen.
        var officer = await chromium.NewPageAsync(host.Server);
        var denied = await HeadlessChromium.SignInAsync(officer, "/workflows/appeal", "officer.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal(0, await officer.Locator("#designer-canvas").CountAsync());
    }

    [Fact]
    public async Task TwoSupervisorsSaveTheSameWorkflow_TheSecondIsRefusedAndKeepsTheirDiagram_AndMayThenReplaceTheDraft()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"), ("super.b", "Supervisor"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var first = await chromium.NewPageAsync(host.Server);
        var second = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(first, "/workflows/appeal", "super.a", ApiHost.Password);
        await HeadlessChromium.SignInAsync(second, "/workflows/appeal", "super.b", ApiHost.Password);
        await CanvasReadyAsync(first);
        await CanvasReadyAsync(second);

        await RenameAsync(first, "decideAppeal", "Named by the first supervisor");
        Assert.Equal((int)HttpStatusCode.OK, (await HeadlessChromium.PostFormAsync(first, "Save draft")).Status);
        Assert.Contains("Draft saved", await first.GetByRole(AriaRole.Status).First.InnerTextAsync(), StringComparison.Ordinal);

        await RenameAsync(second, "assignAppealOfficer", "Named by the second supervisor");
        var refused = await HeadlessChromium.PostFormAsync(second, "Save draft");
        Assert.Equal((int)HttpStatusCode.PreconditionFailed, refused.Status);
        Assert.Contains("nothing was saved", await second.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        await CanvasReadyAsync(second);
        Assert.Contains("Named by the second supervisor", await second.Locator("#designer-bpmn").InputValueAsync(), StringComparison.Ordinal);
        Assert.Equal("Named by the second supervisor",
            string.Join(" ", (await second.Locator("#designer-canvas g[data-element-id=assignAppealOfficer] text tspan").AllTextContentsAsync())
                .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        var draft = (await VersionsAsync(host, "appeal")).Single(v => v.Version == 0).BpmnXml;
        Assert.Contains("Named by the first supervisor", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("Named by the second supervisor", draft, StringComparison.Ordinal);

        Assert.Equal((int)HttpStatusCode.OK, (await HeadlessChromium.PostFormAsync(second, "Replace the current draft with mine")).Status);
        draft = (await VersionsAsync(host, "appeal")).Single(v => v.Version == 0).BpmnXml;
        Assert.Contains("Named by the second supervisor", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("Named by the first supervisor", draft, StringComparison.Ordinal);

        // The first page still holds the draft it saved, which is no longer the current one: its next save is refused too.
        await RenameAsync(first, "recordAppeal", "Recorded by the first supervisor");
        Assert.Equal((int)HttpStatusCode.PreconditionFailed, (await HeadlessChromium.PostFormAsync(first, "Save draft")).Status);
        draft = (await VersionsAsync(host, "appeal")).Single(v => v.Version == 0).BpmnXml;
        Assert.Contains("Named by the second supervisor", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("Recorded by the first supervisor", draft, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADraftTheDatabaseGivesUpOn_KeepsTheDiagramOnTheCanvas_AndSavingAgainSavesIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres,
            ("super.a", CaseworkRoles.Supervisor));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/appeal", "super.a", ApiHost.Password);
        await CanvasReadyAsync(page);
        await RenameAsync(page, "decideAppeal", "Decide the appeal");
        Assert.Equal((int)HttpStatusCode.OK, (await HeadlessChromium.PostFormAsync(page, "Save draft")).Status);
        await CanvasReadyAsync(page);
        await RenameAsync(page, "recordAppeal", "Drawn while the database was busy");

        // Another transaction holds the draft's row while the supervisor saves it again.
        await using (await host.HoldAsync(async db => Assert.Equal(1, await db.WorkflowDefinitions.Where(d => d.ProcessId == "appeal" && d.Version == 0)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Name, d => d.Name), Ct))))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Save draft");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            await CanvasReadyAsync(page);
            Assert.Contains("Drawn while the database was busy", await page.Locator("#designer-bpmn").InputValueAsync(), StringComparison.Ordinal);
        }

        var draft = (await VersionsAsync(host, "appeal")).Single(v => v.Version == 0).BpmnXml;
        Assert.DoesNotContain("Drawn while the database was busy", draft, StringComparison.Ordinal);

        // Once the other transaction has ended, saving the same diagram again saves it: the page still knows the draft it replaces.
        Assert.Equal((int)HttpStatusCode.OK, (await HeadlessChromium.PostFormAsync(page, "Save draft")).Status);
        draft = (await VersionsAsync(host, "appeal")).Single(v => v.Version == 0).BpmnXml;
        Assert.Contains("Drawn while the database was busy", draft, StringComparison.Ordinal);
        Assert.Contains("Decide the appeal", draft, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANewWorkflowTheDatabaseGivesUpOn_KeepsItsIdAndName_AndCreatingAgainOpensIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("super.a", CaseworkRoles.Supervisor));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows", "super.a", ApiHost.Password);
        await page.FillAsync("#newProcessId", "family-tracing");
        await page.FillAsync("#newName", "Family tracing & reunification");

        // Another transaction keeps everyone from writing workflow definitions while the supervisor creates one.
        await using (await host.HoldWritesToAsync("workflow_definitions"))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Create and open in the designer");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("family-tracing", await page.InputValueAsync("#newProcessId"));
            Assert.Equal("Family tracing & reunification", await page.InputValueAsync("#newName"));
            Assert.Equal(1, await page.Locator("[data-process=appeal]").CountAsync());
        }

        Assert.Empty(await VersionsAsync(host, "family-tracing"));
        await HeadlessChromium.PostFormAsync(page, "Create and open in the designer");
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows/family-tracing");
        Assert.Equal("Family tracing & reunification", Assert.Single(await VersionsAsync(host, "family-tracing")).Name);

        // Discarding it is answered the same way: the confirmation stays, and nothing is discarded until it is sent again.
        await page.GotoAsync("/workflows?confirmDiscard=family-tracing");
        await using (await host.HoldWritesToAsync("workflow_definitions"))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Discard the draft");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("The database was busy, so nothing was changed. Try again in a moment.",
                (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).Trim());
            Assert.Equal(1, await page.GetByTestId("confirm-discard").CountAsync());
        }

        Assert.Single(await VersionsAsync(host, "family-tracing"));
        await HeadlessChromium.PostFormAsync(page, "Discard the draft");
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?discarded=family-tracing");
        Assert.Empty(await VersionsAsync(host, "family-tracing"));
    }

    [Fact]
    public async Task ASupervisor_SetsWhoWorksATaskAndWhenItIsDue_InThePropertiesPanel_AndAMistakeIsCaughtBeforePublishing()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/appeal", "super.a", ApiHost.Password);
        await CanvasReadyAsync(page);

        var panel = page.Locator("#designer-properties");
        await SelectAsync(page, "assignAppealOfficer");
        Assert.Equal("UserTask", await panel.Locator("[data-bind=type]").InnerTextAsync());
        Assert.True(await panel.Locator("[data-role=Supervisor]").IsCheckedAsync());
        Assert.False(await panel.Locator("[data-role=EligibilityOfficer]").IsCheckedAsync());
        Assert.Equal("P5D", await panel.GetByLabel("Due after").InputValueAsync());
        Assert.Equal("assign-appeal-officer", await panel.GetByLabel("Form").InputValueAsync());
        Assert.False(await panel.GetByLabel("Handler").IsVisibleAsync());

        await panel.Locator("[data-role=EligibilityOfficer]").CheckAsync();
        await panel.GetByLabel("Due after").FillAsync("soon");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal((int)HttpStatusCode.OK, (await HeadlessChromium.PostFormAsync(page, "Check for problems")).Status);
        Assert.Equal(1, await page.Locator("[data-testid=problems] li[data-problem-element=assignAppealOfficer]").CountAsync());

        // The page came back with the diagram as posted: the edits are still there to correct.
        await CanvasReadyAsync(page);
        await SelectAsync(page, "assignAppealOfficer");
        Assert.Equal("soon", await panel.GetByLabel("Due after").InputValueAsync());
        Assert.True(await panel.Locator("[data-role=EligibilityOfficer]").IsCheckedAsync());
        await panel.GetByLabel("Due after").FillAsync("P7D");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as a new version" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?published=appeal&version=2");

        var published = (await VersionsAsync(host, "appeal")).Single(v => v.Version == 2).BpmnXml;
        Assert.Contains("cw:candidateRoles=\"EligibilityOfficer,Supervisor\"", published, StringComparison.Ordinal);
        Assert.Contains("cw:due=\"P7D\"", published, StringComparison.Ordinal);
        Assert.Contains("cw:form=\"assign-appeal-officer\"", published, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASupervisor_SetsTimersMessagesCallsScriptsAndAssignees_InThePropertiesPanel_AndABadTimerIsCaughtBeforePublishing()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/asylum-claim", "super.a", ApiHost.Password);
        await CanvasReadyAsync(page);
        var panel = page.Locator("#designer-properties");

        // A timer: its kind and expression as the file has them, and nothing of the other sections.
        await SelectAsync(page, "windowClosed");
        Assert.Equal("timeDate", await panel.GetByLabel("The timer fires").InputValueAsync());
        Assert.Equal("${appealCutoff}", await panel.GetByLabel("Timer expression").InputValueAsync());
        Assert.False(await panel.GetByLabel("Message name").IsVisibleAsync());
        Assert.False(await panel.GetByLabel("Form").IsVisibleAsync());
        await panel.GetByLabel("The timer fires").SelectOptionAsync("timeDuration");
        await panel.GetByLabel("Timer expression").FillAsync("a month");
        await page.Keyboard.PressAsync("Tab");

        // A message event: the declared message's name and the element's correlation key.
        await SelectAsync(page, "appealLodged");
        Assert.False(await panel.GetByLabel("The timer fires").IsVisibleAsync());
        Assert.Equal("AppealLodged", await panel.GetByLabel("Message name").InputValueAsync());
        Assert.Equal("${caseId}", await panel.GetByLabel("Correlation key").InputValueAsync());
        await panel.GetByLabel("Message name").FillAsync("AppealReceived");
        await panel.GetByLabel("Correlation key").FillAsync("${caseNumber}");
        await page.Keyboard.PressAsync("Tab");

        // A call activity: the workflow it starts, offered from the published ones, and a pinned version.
        await SelectAsync(page, "appeal");
        Assert.Equal("appeal", await panel.GetByLabel("Workflow it starts").InputValueAsync());
        Assert.Equal(1, await page.Locator("#designer-process-ids option[value=durable-solutions]").CountAsync());
        Assert.Equal("", await panel.GetByLabel("Pinned version").InputValueAsync());
        await panel.GetByLabel("Pinned version").FillAsync("9");
        await page.Keyboard.PressAsync("Tab");

        // A user task's assignee and candidate users.
        await SelectAsync(page, "escalateSla");
        await panel.GetByLabel("Assigned to").FillAsync("super.b");
        await panel.GetByLabel("Also offered to these users").FillAsync("super.c, super.d");
        await page.Keyboard.PressAsync("Tab");

        // A service task turned into a script task with bpmn-js's own replace menu, then given its script.
        await SelectAsync(page, "recordReferral", new() { X = 3, Y = 3 }); // a flow crosses its middle
        await page.Locator(".djs-context-pad .entry[data-action=replace]").ClickAsync();
        await page.Locator(".djs-popup [data-id=replace-with-script-task]").ClickAsync();
        await panel.Locator("[data-bind=type]:text-is('ScriptTask')").WaitForAsync();
        await panel.GetByLabel("Code to run").FillAsync("referralsRecorded = (referralsRecorded || 0) + 1");
        await panel.GetByLabel("Result variable").FillAsync("referralsRecorded");
        await page.Keyboard.PressAsync("Tab");

        // "a month" is no ISO 8601 duration and appeal has no version 9: checking names both, and the page keeps every
        // edit to correct.
        Assert.Equal((int)HttpStatusCode.OK, (await HeadlessChromium.PostFormAsync(page, "Check for problems")).Status);
        Assert.Equal(2, await page.Locator("[data-testid=problems] li").CountAsync());
        Assert.Equal(1, await page.Locator("[data-testid=problems] li[data-problem-element=windowClosed]").CountAsync());
        Assert.Contains("version 9", await page.Locator("[data-testid=problems] li[data-problem-element=appeal]").InnerTextAsync(), StringComparison.Ordinal);
        await CanvasReadyAsync(page);
        await SelectAsync(page, "appeal");
        Assert.Equal("9", await panel.GetByLabel("Pinned version").InputValueAsync());
        await panel.GetByLabel("Pinned version").FillAsync("1");
        await page.Keyboard.PressAsync("Tab");
        await SelectAsync(page, "windowClosed");
        Assert.Equal("timeDuration", await panel.GetByLabel("The timer fires").InputValueAsync());
        Assert.Equal("a month", await panel.GetByLabel("Timer expression").InputValueAsync());
        await panel.GetByLabel("Timer expression").FillAsync("P30D");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as a new version" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?published=asylum-claim&version=2");

        var published = (await VersionsAsync(host, "asylum-claim")).Single(v => v.Version == 2).BpmnXml;
        var document = XDocument.Parse(published);
        XNamespace bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
        XNamespace cw = "urn:casework:bpmn";
        XElement Element(string id) => document.Descendants().Single(e => (string?)e.Attribute("id") == id);

        var timer = Element("windowClosed").Element(bpmn + "timerEventDefinition")!;
        Assert.Equal("P30D", timer.Element(bpmn + "timeDuration")?.Value);
        Assert.Null(timer.Element(bpmn + "timeDate"));
        Assert.Equal("AppealReceived", (string?)Element("AppealLodged").Attribute("name"));
        Assert.Equal("${caseNumber}", (string?)Element("appealLodged").Attribute(cw + "correlationKey"));
        Assert.Equal("1", (string?)Element("appeal").Attribute(cw + "calledVersion"));
        Assert.Equal("appeal", (string?)Element("appeal").Attribute("calledElement"));
        Assert.Equal("super.b", (string?)Element("escalateSla").Attribute(cw + "assignee"));
        Assert.Equal("super.c, super.d", (string?)Element("escalateSla").Attribute(cw + "candidateUsers"));
        var script = document.Descendants(bpmn + "scriptTask").Single();
        Assert.Equal("referralsRecorded = (referralsRecorded || 0) + 1", script.Element(bpmn + "script")?.Value);
        Assert.Equal("referralsRecorded", (string?)script.Attribute(cw + "resultVariable"));
        Assert.DoesNotContain(document.Descendants(bpmn + "serviceTask"), e => (string?)e.Attribute("id") == "recordReferral");
    }

    [Fact]
    public async Task ASupervisor_SetsTheVariablesACallActivityPassesInAndBringsBack_AndAnIncompleteLineIsCaughtBeforePublishing()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/asylum-claim", "super.a", ApiHost.Password);
        await CanvasReadyAsync(page);
        var panel = page.Locator("#designer-properties");

        // The file passes everything into the appeal and brings back one variable.
        await SelectAsync(page, "appeal");
        Assert.True(await panel.GetByLabel("Pass all variables").IsCheckedAsync());
        Assert.Equal("", await panel.GetByLabel("Passed in").InputValueAsync());
        Assert.Equal("appealOutcome", await panel.GetByLabel("Brought back").InputValueAsync());
        await panel.GetByLabel("Pass all variables").UncheckAsync();
        await panel.GetByLabel("Passed in").FillAsync("caseId\nfastTrack = ${track == 'Accelerated'}");
        await panel.GetByLabel("Brought back").FillAsync("appealOutcome\nappealDecidedOn = decidedOn");
        await page.Keyboard.PressAsync("Tab");

        // A line without its target is kept as written and named by the check, not silently dropped.
        await SelectAsync(page, "durableSolutions");
        Assert.True(await panel.GetByLabel("Pass all variables").IsCheckedAsync());
        await panel.GetByLabel("Passed in").FillAsync("= caseId");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal((int)HttpStatusCode.OK, (await HeadlessChromium.PostFormAsync(page, "Check for problems")).Status);
        var problem = page.Locator("[data-testid=problems] li");
        Assert.Equal(1, await problem.CountAsync());
        Assert.Equal("durableSolutions", await problem.GetAttributeAsync("data-problem-element"));
        Assert.Contains("no target", await problem.InnerTextAsync(), StringComparison.Ordinal);

        await CanvasReadyAsync(page);
        await SelectAsync(page, "appeal");
        Assert.False(await panel.GetByLabel("Pass all variables").IsCheckedAsync());
        Assert.Equal("caseId\nfastTrack = ${track == 'Accelerated'}", await panel.GetByLabel("Passed in").InputValueAsync());
        await SelectAsync(page, "durableSolutions");
        Assert.Equal("= caseId", await panel.GetByLabel("Passed in").InputValueAsync());
        await panel.GetByLabel("Passed in").FillAsync("");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as a new version" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?published=asylum-claim&version=2");

        var document = XDocument.Parse((await VersionsAsync(host, "asylum-claim")).Single(v => v.Version == 2).BpmnXml);
        XNamespace cw = "urn:casework:bpmn";
        IEnumerable<string> Mappings(string id, string direction) => document.Descendants()
            .Single(e => (string?)e.Attribute("id") == id).Descendants(cw + direction)
            .Select(m => (string?)m.Attribute("variables") ?? $"{(string?)m.Attribute("target")} <- {(string?)m.Attribute("source")}");

        Assert.Equal(["caseId <- caseId", "fastTrack <- ${track == 'Accelerated'}"], Mappings("appeal", "in"));
        Assert.Equal(["appealOutcome <- appealOutcome", "appealDecidedOn <- decidedOn"], Mappings("appeal", "out"));
        Assert.Equal(["all"], Mappings("durableSolutions", "in"));
        Assert.Empty(Mappings("durableSolutions", "out"));
    }

    [Fact]
    public async Task ASupervisor_ChangesTheErrorABoundaryEventCatches_WithoutChangingTheDeclaredErrorOthersShare()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/return", "super.a", ApiHost.Password);
        await CanvasReadyAsync(page);
        var panel = page.Locator("#designer-properties");

        await SelectAsync(page, "checkDeparture");
        Assert.False(await panel.GetByLabel("Error code").IsVisibleAsync());
        await SelectAsync(page, "blocked");
        Assert.Equal("DEPARTURE_BLOCKED", await panel.GetByLabel("Error code").InputValueAsync());
        Assert.Equal(1, await page.Locator("#designer-error-codes option[value=DEPARTURE_BLOCKED]").CountAsync());
        await panel.GetByLabel("Error code").FillAsync("NO_TRAVEL_DOCUMENT");
        await page.Keyboard.PressAsync("Tab");
        await SelectAsync(page, "checkDeparture");
        await SelectAsync(page, "blocked");
        Assert.Equal("NO_TRAVEL_DOCUMENT", await panel.GetByLabel("Error code").InputValueAsync());
        Assert.Equal(1, await page.Locator("#designer-error-codes option[value=NO_TRAVEL_DOCUMENT]").CountAsync());

        // One change in the panel is one step back: undo takes the new code and the error it declared away together,
        // redo brings both back.
        await page.Locator("#designer-canvas").ClickAsync(new() { Position = new() { X = 8, Y = 8 } });
        await page.Keyboard.PressAsync("Control+z");
        await SelectAsync(page, "blocked");
        Assert.Equal("DEPARTURE_BLOCKED", await panel.GetByLabel("Error code").InputValueAsync());
        Assert.Equal(0, await page.Locator("#designer-error-codes option[value=NO_TRAVEL_DOCUMENT]").CountAsync());
        await page.Locator("#designer-canvas").ClickAsync(new() { Position = new() { X = 8, Y = 8 } });
        await page.Keyboard.PressAsync("Control+y");
        await SelectAsync(page, "blocked");
        Assert.Equal("NO_TRAVEL_DOCUMENT", await panel.GetByLabel("Error code").InputValueAsync());
        Assert.Equal(1, await page.Locator("#designer-error-codes option[value=NO_TRAVEL_DOCUMENT]").CountAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as a new version" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?published=return&version=2");

        var document = XDocument.Parse((await VersionsAsync(host, "return")).Single(v => v.Version == 2).BpmnXml);
        XNamespace bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
        var errors = document.Root!.Elements(bpmn + "error").ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("errorCode"));
        var caught = (string?)document.Descendants().Single(e => (string?)e.Attribute("id") == "blocked")
            .Element(bpmn + "errorEventDefinition")!.Attribute("errorRef");
        Assert.Equal("NO_TRAVEL_DOCUMENT", errors[caught!]);
        Assert.Equal("DEPARTURE_BLOCKED", errors["DepartureBlocked"]);
    }

    [Fact]
    public async Task ASupervisor_NamesWhereACaughtErrorsMessageIsKept_AndWritesTheInstructionsOfTheTaskThatShowsIt()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/return", "super.a", ApiHost.Password);
        await CanvasReadyAsync(page);
        var panel = page.Locator("#designer-properties");
        var keepMessage = panel.GetByLabel("Keep the caught error's message in the variable");
        var instructions = panel.GetByLabel("Instructions for whoever works it");

        await SelectAsync(page, "halted");
        Assert.False(await keepMessage.IsVisibleAsync());
        await SelectAsync(page, "blocked");
        Assert.Equal("departureBlockedBecause", await keepMessage.InputValueAsync());
        await keepMessage.FillAsync("blockedReason");
        await page.Keyboard.PressAsync("Tab");
        await SelectAsync(page, "reviewBlocked");
        Assert.StartsWith("The return was stopped before any departure step: ${departureBlockedBecause}", await instructions.InputValueAsync(), StringComparison.Ordinal);
        await instructions.FillAsync("Why it stopped: ${blockedReason}\nRecord what you did.");
        await page.Keyboard.PressAsync("Tab");
        await SelectAsync(page, "counselling");
        Assert.Equal("", await instructions.InputValueAsync());
        await SelectAsync(page, "reviewBlocked");
        Assert.Equal("Why it stopped: ${blockedReason}\nRecord what you did.", await instructions.InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as a new version" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows?published=return&version=2");

        var document = XDocument.Parse((await VersionsAsync(host, "return")).Single(v => v.Version == 2).BpmnXml);
        XNamespace bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
        XNamespace cw = "urn:casework:bpmn";
        XElement Element(string id) => document.Descendants().Single(e => (string?)e.Attribute("id") == id);
        Assert.Equal("blockedReason", (string?)Element("blocked").Attribute(cw + "errorMessageVariable"));
        Assert.Equal(["Why it stopped: ${blockedReason}\nRecord what you did."], Element("reviewBlocked").Elements(bpmn + "documentation").Select(d => d.Value));
        Assert.Empty(Element("counselling").Elements(bpmn + "documentation"));
    }

    private static async Task SelectAsync(IPage page, string elementId, Position? at = null)
    {
        // Click away first: the context pad of a selected element can cover its neighbour on a small diagram.
        await page.Locator("#designer-canvas").ClickAsync(new() { Position = new() { X = 8, Y = 8 } });
        await page.Locator($"#designer-canvas g.djs-shape[data-element-id={elementId}]").ClickAsync(new() { Position = at });
        await page.Locator($"#designer-properties [data-bind=id]:text-is('{elementId}')").WaitForAsync();
    }

    private static Task CanvasReadyAsync(IPage page) => page.Locator("#designer-canvas[data-state=ready]").WaitForAsync();

    /// <summary>Renames a shape the way a person does: double-click it, type over its label, click away.</summary>
    private static async Task RenameAsync(IPage page, string elementId, string name)
    {
        await page.Locator($"#designer-canvas g.djs-shape[data-element-id={elementId}]").DblClickAsync();
        await page.Locator(".djs-direct-editing-parent").WaitForAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(name);
        await page.Locator("#designer-canvas").ClickAsync(new() { Position = new() { X = 8, Y = 8 } });
        await page.Locator("#designer-canvas[data-changed=true]").WaitForAsync();
    }

    [Fact]
    public async Task ARetirementTheDatabaseGivesUpOn_IsAnsweredOnTheList_NothingChanges_AndConfirmingAgainRetires()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("super.a", CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("super.a");
        var v1 = await supervisor.GetStringAsync("/api/workflow-definitions/appeal/versions/1/bpmn", Ct);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync("/api/workflow-definitions/appeal/draft",
            new { bpmn = v1.Replace("cw:due=\"P5D\"", "cw:due=\"P6D\"", StringComparison.Ordinal) }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync("/api/workflow-definitions/appeal/draft/publish", new { releaseNote = "v2" }, Ct)).StatusCode);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows?confirmRetire=appeal&version=1", "super.a", ApiHost.Password);
        var retire = page.GetByTestId("confirm-retire").GetByRole(AriaRole.Button, new() { Name = "Retire version 1" });

        // Another transaction holds version 1's row while the supervisor confirms its retirement.
        await using (await host.HoldAsync(async db => Assert.Equal(1, await db.WorkflowDefinitions.Where(d => d.ProcessId == "appeal" && d.Version == 1)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Name, d => d.Name), Ct))))
        {
            var busy = await HeadlessChromium.RunAndLoadAsync(page, () => retire.ClickAsync(), r => r.Request.Method == "POST");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so nothing was changed", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            // The question is still there, to be confirmed again.
            Assert.Equal(1, await retire.CountAsync());
        }

        Assert.Equal([(1, DefinitionStatus.Published), (2, DefinitionStatus.Published)],
            (await VersionsAsync(host, "appeal")).Where(v => v.Version > 0).Select(v => (v.Version, v.Status)));
        await HeadlessChromium.RunAndLoadAsync(page, () => retire.ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal([(1, DefinitionStatus.Retired), (2, DefinitionStatus.Published)],
            (await VersionsAsync(host, "appeal")).Where(v => v.Version > 0).Select(v => (v.Version, v.Status)));
    }

    private static async Task<List<WorkflowDefinitionRecord>> VersionsAsync(ApiHost host, string processId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == processId).OrderBy(d => d.Version).ToListAsync(Ct);
    }
}
