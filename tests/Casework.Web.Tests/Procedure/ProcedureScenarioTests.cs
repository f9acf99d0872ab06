using System.Text.Json;
using System.Xml.Linq;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Procedure;

/// <summary>The asylum procedure end to end, one test per path, through the durable runtime on SQLite.</summary>
public sealed class ProcedureScenarioTests
{
    private const string Officer = "officer.one";
    private const string Supervisor = "supervisor.one";

    private static async Task ThroughNotificationAsync(ProcedureDriver d, string caseId, string decision, object? profiling = null, object? registration = null)
    {
        await d.CompleteAsync(caseId, "register", "clerk.one", registration ?? new { registeredOn = "2026-03-02", specificNeeds = Array.Empty<string>() });
        await d.CompleteAsync(caseId, "profile", "clerk.one", profiling ?? new { referral = "SeeksAsylum", claimFeatures = Array.Empty<string>() });
        var interview = (await d.OpenTasksAsync(caseId)).Single(t => t.StartsWith("interview", StringComparison.Ordinal));
        await d.CompleteAsync(caseId, interview, Officer, new { interviewDate = "2026-03-10", sameGenderRequested = true });
        await d.CompleteAsync(caseId, "draftDecision", Officer, new { decision, reasons = "Assessed against the 1951 Convention criteria." });
        await d.CompleteAsync(caseId, "reviewDecision", Supervisor, new { outcome = "approve" });
        await d.CompleteAsync(caseId, "notify", Officer, new { notifiedOn = "2026-03-20", deliveryMethod = "InPerson" });
    }

    [Fact]
    public async Task AcceleratedRecognition_LeadsToAResettlementReferral()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000001", new { caseId = "NBO-2026-000001", office = "NBO" });

        await ThroughNotificationAsync(d, "NBO-2026-000001", "RecognisedRefugee",
            registration: new { registeredOn = "2026-03-02", specificNeeds = new[] { "SurvivorOfTortureOrTrauma" } });

        Assert.Equal("Accelerated", (await d.VariableAsync(claim, "track")).GetString());
        Assert.Equal(90, (await d.VariableAsync(claim, "casePriority")).GetInt32());
        Assert.Equal(["chooseSolution"], await d.OpenTasksAsync("NBO-2026-000001"));
        await d.CompleteAsync("NBO-2026-000001", "chooseSolution", Officer, new { solution = "Resettlement", resettlementState = "Canada" });
        Assert.Equal(["prepareRrf"], await d.OpenTasksAsync("NBO-2026-000001"));
    }

    [Fact]
    public async Task Resettlement_NamesTheState_TheStatesDecisionIsRecorded_ANotAcceptedCaseIsAssessedAgain_AndAnAcceptedOneDeparts()
    {
        await using var d = new ProcedureDriver();
        await d.RegisterAsync("NBO-2026-000031", new { caseId = "NBO-2026-000031", office = "NBO" });
        await ThroughNotificationAsync(d, "NBO-2026-000031", "RecognisedRefugee");

        var unnamed = await d.TryCompleteAsync("NBO-2026-000031", "chooseSolution", Officer, new { solution = "Resettlement" });
        Assert.Equal("resettlementState", Assert.Single(unnamed.Errors).Field);
        await d.CompleteAsync("NBO-2026-000031", "chooseSolution", Officer, new { solution = "Resettlement", resettlementState = "Canada" });
        await d.CompleteAsync("NBO-2026-000031", "prepareRrf", Officer, new { notes = "Registration form prepared." });
        await d.CompleteAsync("NBO-2026-000031", "submitResettlement", Supervisor, new { completedOn = "2026-04-01" });
        Assert.Equal(["stateDecision"], await d.OpenTasksAsync("NBO-2026-000031"));
        await d.CompleteAsync("NBO-2026-000031", "stateDecision", Officer, new { resettlementOutcome = "NotAccepted", resettlementDecidedOn = "2026-07-01" });

        Assert.Equal(["chooseSolution"], await d.OpenTasksAsync("NBO-2026-000031"));
        await d.CompleteAsync("NBO-2026-000031", "chooseSolution", Officer, new { solution = "Resettlement", resettlementState = "Norway" });
        await d.CompleteAsync("NBO-2026-000031", "prepareRrf", Officer, new { notes = "Submission to a second state." });
        await d.CompleteAsync("NBO-2026-000031", "submitResettlement", Supervisor, new { completedOn = "2026-07-15" });
        await d.CompleteAsync("NBO-2026-000031", "stateDecision", Officer, new { resettlementOutcome = "Accepted", resettlementDecidedOn = "2026-09-01" });
        Assert.Equal(["departure"], await d.OpenTasksAsync("NBO-2026-000031"));
        await d.CompleteAsync("NBO-2026-000031", "departure", Officer, new { departedOn = "2026-10-01" });

        Assert.Empty(await d.OpenTasksAsync("NBO-2026-000031"));
        Assert.All(await d.InstancesAsync("NBO-2026-000031"), i => Assert.Equal(InstanceStatus.Completed, i.Status));
    }

    [Fact]
    public async Task RegularRejection_AppealLodgedInTime_Upheld_LeadsToLocalIntegration()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000002", new { caseId = "NBO-2026-000002", office = "NBO" });
        await ThroughNotificationAsync(d, "NBO-2026-000002", "Rejected");
        Assert.Equal("2026-04-20", (await d.VariableAsync(claim, "appealDeadline")).GetString());

        await d.AdvanceAsync(TimeSpan.FromDays(25));
        var lodged = await d.LodgeAppealAsync("NBO-2026-000002", new { appealGrounds = "New evidence" });
        Assert.True(lodged.Succeeded, lodged.Message);
        await d.AccountAsync("officer.two", CaseworkRoles.EligibilityOfficer);
        await d.CompleteAsync("NBO-2026-000002", "assignAppealOfficer", Supervisor, new { appealOfficer = "officer.two" });
        var refused = await d.TryCompleteAsync("NBO-2026-000002", "decideAppeal", Officer, new { appealOutcome = "Upheld", appealReasons = "r" });
        await d.CompleteAsync("NBO-2026-000002", "decideAppeal", "officer.two", new { appealOutcome = "Upheld", appealReasons = "Credible new evidence." });

        Assert.Equal("four-eyes", refused.Reason);
        Assert.Equal(["chooseSolution"], await d.OpenTasksAsync("NBO-2026-000002"));
        await d.CompleteAsync("NBO-2026-000002", "chooseSolution", Officer, new { solution = "LocalIntegration" });
        Assert.Equal(["integration"], await d.OpenTasksAsync("NBO-2026-000002"));
    }

    [Fact]
    public async Task TheAppealGoesToTheOfficerTheSupervisorNames_NeverToTheDrafterTheReviewerAnUnknownNameANonOfficerOrADisabledAccount()
    {
        await using var d = new ProcedureDriver();
        await d.AccountAsync(Officer, CaseworkRoles.EligibilityOfficer);
        await d.AccountAsync(Supervisor, CaseworkRoles.Supervisor, CaseworkRoles.EligibilityOfficer);
        await d.AccountAsync("officer.two", CaseworkRoles.EligibilityOfficer);
        await d.AccountAsync("officer.gone", CaseworkRoles.EligibilityOfficer);
        await d.AccountAsync("clerk.one", CaseworkRoles.RegistrationClerk);
        await using (var scope = d.Host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<CaseworkUser>>();
            Assert.True((await users.SetLockoutEndDateAsync((await users.FindByNameAsync("officer.gone"))!, CaseworkUser.DisabledUntil)).Succeeded);
        }

        await d.RegisterAsync("NBO-2026-000040", new { caseId = "NBO-2026-000040", office = "NBO" });
        await ThroughNotificationAsync(d, "NBO-2026-000040", "Rejected");
        await d.AdvanceAsync(TimeSpan.FromDays(5));
        Assert.True((await d.LodgeAppealAsync("NBO-2026-000040", new { appealGrounds = "New evidence" })).Succeeded);

        var refusals = new Dictionary<string, string>
        {
            ["nobody.here"] = "There is no account 'nobody.here'.",
            ["clerk.one"] = "clerk.one does not hold the role of 'Decide the appeal' (EligibilityOfficer).",
            ["officer.gone"] = "officer.gone's account is disabled.",
            [Officer] = $"{Officer} completed 'Draft decision' on this case, so someone else must work 'Decide the appeal' (four-eyes).",
            [Supervisor] = $"{Supervisor} completed 'Review decision (four-eyes)' on this case, so someone else must work 'Decide the appeal' (four-eyes).",
        };
        foreach (var (named, message) in refusals)
        {
            var refused = await d.TryCompleteAsync("NBO-2026-000040", "assignAppealOfficer", Supervisor, new { appealOfficer = named });
            Assert.Equal(RuntimeOutcomeKind.Invalid, refused.Kind);
            var error = Assert.Single(refused.Errors);
            Assert.Equal(("appealOfficer", message), (error.Field, error.Message));
        }

        // Nothing was kept of the refused assignments.
        Assert.Equal(["assignAppealOfficer"], await d.OpenTasksAsync("NBO-2026-000040"));
        var appeal = (await d.InstancesAsync("NBO-2026-000040")).Single(i => i.ProcessId == "appeal");
        Assert.False(JsonDocument.Parse(appeal.State).RootElement.GetProperty("variables").TryGetProperty("appealOfficer", out _));

        // A name written in another case or with spaces is the account's own spelling on the task, so it is in that officer's queue.
        await d.CompleteAsync("NBO-2026-000040", "assignAppealOfficer", Supervisor, new { appealOfficer = "  Officer.Two " });
        var decide = await d.OpenTaskAsync("NBO-2026-000040", "decideAppeal");
        Assert.Equal("officer.two", decide!.Assignee);
        Assert.Equal("officer.two", (await d.VariableAsync(decide.InstanceId, "appealOfficer")).GetString());
        await d.CompleteAsync("NBO-2026-000040", "decideAppeal", "officer.two", new { appealOutcome = "Rejected", appealReasons = "No new element." });
        Assert.DoesNotContain("decideAppeal", await d.OpenTasksAsync("NBO-2026-000040"));
    }

    [Fact]
    public async Task AnAppealRemittedForReExamination_LeavesNothingOfTheFirstNotificationOrAppeal_SoTheNewDecisionHasItsOwnWindowAndALateAppealItsOwnReason()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000030", new { caseId = "NBO-2026-000030", office = "NBO" });
        await ThroughNotificationAsync(d, "NBO-2026-000030", "Rejected");
        await d.AdvanceToAsync(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero)); // deadline 2026-04-20 passed, within grace
        var first = await d.LodgeAppealAsync("NBO-2026-000030", new { appealGrounds = "New evidence", lateReason = "Hospitalised during the window" });
        Assert.True(first.Succeeded, first.Message);
        await d.AccountAsync("officer.two", CaseworkRoles.EligibilityOfficer);
        await d.CompleteAsync("NBO-2026-000030", "assignAppealOfficer", Supervisor, new { appealOfficer = "officer.two" });
        await d.CompleteAsync("NBO-2026-000030", "decideAppeal", "officer.two", new { appealOutcome = "RemittedForReExamination", appealReasons = "Interview record incomplete." });

        Assert.Equal(["draftDecision"], await d.OpenTasksAsync("NBO-2026-000030"));
        foreach (var name in Casework.Web.Features.Procedure.AppealRemittalHandler.Cleared)
        {
            Assert.Equal(JsonValueKind.Null, (await d.VariableAsync(claim, name)).ValueKind);
        }

        Assert.Equal(1, (await d.VariableAsync(claim, "remittedAppeals")).GetInt32());
        await using (var scope = d.Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();
            Assert.Equal(1, await db.Instances.CountAsync(i => i.BusinessKey == "NBO-2026-000030" && i.ProcessId == "appeal"
                && i.Status == Casework.Data.Runtime.Records.InstanceStatus.Completed, TestContext.Current.CancellationToken));
        }

        // The new decision is notified with a window of its own; a late second appeal needs its own reason.
        await d.CompleteAsync("NBO-2026-000030", "draftDecision", Officer, new { decision = "Rejected", reasons = "Re-examined after a complete interview." });
        await d.CompleteAsync("NBO-2026-000030", "reviewDecision", Supervisor, new { outcome = "approve" });
        await d.CompleteAsync("NBO-2026-000030", "notify", Officer, new { notifiedOn = "2026-05-04", deliveryMethod = "InPerson" });
        Assert.Equal("2026-06-03", (await d.VariableAsync(claim, "appealDeadline")).GetString());
        await d.AdvanceToAsync(new DateTimeOffset(2026, 6, 10, 9, 0, 0, TimeSpan.Zero));

        var unexplained = await Assert.ThrowsAsync<Casework.Domain.Common.DomainException>(() => d.LodgeAppealAsync("NBO-2026-000030", new { appealGrounds = "Second appeal" }));
        Assert.Equal("late-reason-required", unexplained.Code);
        var second = await d.LodgeAppealAsync("NBO-2026-000030", new { appealGrounds = "Second appeal", lateReason = "Legal aid assigned late" });
        Assert.True(second.Succeeded, second.Message);
        Assert.Equal(["assignAppealOfficer"], await d.OpenTasksAsync("NBO-2026-000030"));
    }

    [Fact]
    public async Task FamilyCase_DependantsFollowThePrincipal_IncludingAnUpheldAppeal()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000012", new { caseId = "NBO-2026-000012", office = "NBO" });
        await ThroughNotificationAsync(d, "NBO-2026-000012", "Rejected",
            registration: new { registeredOn = "2026-03-02", dependants = new[] { "Dependant One", "Dependant Two" } });
        await d.AdvanceAsync(TimeSpan.FromDays(10));
        await d.LodgeAppealAsync("NBO-2026-000012", new { appealGrounds = "Family unity" });
        await d.AccountAsync("officer.two", CaseworkRoles.EligibilityOfficer);
        await d.CompleteAsync("NBO-2026-000012", "assignAppealOfficer", Supervisor, new { appealOfficer = "officer.two" });

        await d.CompleteAsync("NBO-2026-000012", "decideAppeal", "officer.two", new { appealOutcome = "Upheld", appealReasons = "Recognised on appeal." });

        var derivative = await d.VariableAsync(claim, "derivativeOutcomes");
        Assert.Equal("RecognisedRefugee", derivative.GetProperty("Dependant One").GetString());
        Assert.Equal("RecognisedRefugee", derivative.GetProperty("Dependant Two").GetString());
    }

    [Fact]
    public async Task Rejection_NoAppeal_DeadlinePasses_LeadsToReturnWithVoluntaryDeparture()
    {
        await using var d = new ProcedureDriver();
        await d.RegisterAsync("NBO-2026-000003", new { caseId = "NBO-2026-000003", office = "NBO" });
        await ThroughNotificationAsync(d, "NBO-2026-000003", "Rejected");

        // Notified 2026-03-20: deadline 2026-04-20 (the 19th is a Sunday), late appeals until 2026-06-01.
        await d.AdvanceToAsync(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
        Assert.Empty(await d.OpenTasksAsync("NBO-2026-000003")); // late appeals still possible: no return yet
        await d.AdvanceToAsync(new DateTimeOffset(2026, 6, 2, 9, 0, 0, TimeSpan.Zero));

        await d.CompleteAsync("NBO-2026-000003", "counselling", Officer, new { returnOption = "Voluntary" });
        await d.CompleteAsync("NBO-2026-000003", "riskAssessment", Officer, ProcedureDriver.RiskAssessed("NoRealRisk"));
        await d.CompleteAsync("NBO-2026-000003", "travelDocument", Officer, new { travelDocumentType = "LaissezPasser", issuedOn = "2026-05-20" });
        await d.CompleteAsync("NBO-2026-000003", "departure", Officer, new { departedOn = "2026-06-01" });
        Assert.Equal(["monitoring"], await d.OpenTasksAsync("NBO-2026-000003"));
    }

    [Fact]
    public async Task LateAppeal_WithinGrace_IsAcceptedOnlyWithAReason()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000004", new { caseId = "NBO-2026-000004", office = "NBO" });
        await ThroughNotificationAsync(d, "NBO-2026-000004", "Rejected");
        await d.AdvanceToAsync(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero)); // deadline 2026-04-20 has passed

        var error = await Assert.ThrowsAsync<Casework.Domain.Common.DomainException>(() => d.LodgeAppealAsync("NBO-2026-000004"));
        var accepted = await d.LodgeAppealAsync("NBO-2026-000004", new { lateReason = "Hospitalised during the window" });

        Assert.Equal("late-reason-required", error.Code);
        Assert.True(accepted.Succeeded, accepted.Message);
        var appeal = (await d.InstancesAsync("NBO-2026-000004")).Single(i => i.ProcessId == "appeal");
        Assert.Equal("LateWithinGrace", (await d.VariableAsync(appeal.Id, "appealTiming")).GetString());
        Assert.Equal(["assignAppealOfficer"], await d.OpenTasksAsync("NBO-2026-000004"));
        Assert.NotEqual(Guid.Empty, claim);
    }

    [Fact]
    public async Task AnAppeal_IsJudgedByTheDeadlineTheAppellantWasNotifiedOf_EvenAfterTheOfficesRulePackChanges()
    {
        await using var d = new ProcedureDriver();
        Guid pack;
        await using (var scope = d.Host.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<Casework.Web.Features.Administration.OfficeAdministration>();
            var added = await admin.CreateRulePackAsync(new("National", 15, 10, 6, 30, 60, true), TestContext.Current.CancellationToken);
            pack = added.Value!.Id!.Value;
            var office = await admin.CreateOfficeAsync(new("NBO", "Nairobi", pack, null, null), TestContext.Current.CancellationToken);
            Assert.Equal(Casework.Web.Features.Administration.AdminResult.Done, office.Kind);
        }

        var claim = await d.RegisterAsync("NBO-2026-000020", new { caseId = "NBO-2026-000020", office = "NBO" });
        await ThroughNotificationAsync(d, "NBO-2026-000020", "Rejected"); // notified 2026-03-20: + 15 is Saturday 04-04, so Monday 04-06
        Assert.Equal("2026-04-06", (await d.VariableAsync(claim, "appealDeadline")).GetString());
        await using (var scope = d.Host.Services.CreateAsyncScope())
        {
            var changed = await scope.ServiceProvider.GetRequiredService<Casework.Web.Features.Administration.OfficeAdministration>()
                .UpdateRulePackAsync(pack, new("National", 60, 10, 6, 30, 60, true), null, TestContext.Current.CancellationToken);
            Assert.Equal(Casework.Web.Features.Administration.AdminResult.Done, changed.Kind);
        }

        // 2026-04-10 is past the deadline the appellant was given (04-06), though within 60 days of the notification:
        // late, so only with a reason.
        await d.AdvanceToAsync(new DateTimeOffset(2026, 4, 10, 9, 0, 0, TimeSpan.Zero));
        var error = await Assert.ThrowsAsync<Casework.Domain.Common.DomainException>(() => d.LodgeAppealAsync("NBO-2026-000020"));
        var accepted = await d.LodgeAppealAsync("NBO-2026-000020", new { lateReason = "Waited for documents" });

        Assert.Equal("late-reason-required", error.Code);
        Assert.True(accepted.Succeeded, accepted.Message);
        var appeal = (await d.InstancesAsync("NBO-2026-000020")).Single(i => i.ProcessId == "appeal");
        Assert.Equal("LateWithinGrace", (await d.VariableAsync(appeal.Id, "appealTiming")).GetString());
    }

    [Fact]
    public async Task ExclusionFlagged_GoesToSeniorReview()
    {
        await using var d = new ProcedureDriver();
        await d.RegisterAsync("NBO-2026-000005", new { caseId = "NBO-2026-000005", office = "NBO" });
        await d.CompleteAsync("NBO-2026-000005", "register", "clerk.one", new { registeredOn = "2026-03-02" });
        await d.CompleteAsync("NBO-2026-000005", "profile", "clerk.one", new { referral = "SeeksAsylum", claimFeatures = new[] { "ExclusionIndicators" } });
        await d.CompleteAsync("NBO-2026-000005", "interviewRegular", Officer, new { interviewDate = "2026-04-01" });

        await d.CompleteAsync("NBO-2026-000005", "draftDecision", Officer, new { decision = "Excluded", reasons = "Article 1F indicators.", exclusionFlagged = true });

        var review = await d.OpenTaskAsync("NBO-2026-000005", "exclusionReview");
        Assert.NotNull(review);
        Assert.Equal("Supervisor", review.CandidateRoles);
    }

    [Fact]
    public async Task TheSeniorExclusionReview_LeadsToNotification_AndLeavesNoOutcomeBehind()
    {
        await using var d = new ProcedureDriver();
        await d.RegisterAsync("NBO-2026-000025", new { caseId = "NBO-2026-000025", office = "NBO" });
        await d.CompleteAsync("NBO-2026-000025", "register", "clerk.one", new { registeredOn = "2026-03-02" });
        await d.CompleteAsync("NBO-2026-000025", "profile", "clerk.one", new { referral = "SeeksAsylum" });
        await d.CompleteAsync("NBO-2026-000025", "interviewRegular", Officer, new { interviewDate = "2026-04-01" });
        await d.CompleteAsync("NBO-2026-000025", "draftDecision", Officer, new { decision = "Rejected", reasons = "Not credible.", exclusionFlagged = true });
        await d.CompleteAsync("NBO-2026-000025", "exclusionReview", Supervisor, new { exclusionConfirmed = false });
        Assert.Equal(["notify"], await d.OpenTasksAsync("NBO-2026-000025"));
        Assert.Equal(JsonValueKind.Null, (await d.VariableAsync((await d.InstancesAsync("NBO-2026-000025")).Single().Id, "outcome")).ValueKind);
    }

    [Fact]
    public async Task ADecisionReturnedForRedrafting_ThenFlaggedForExclusion_GoesFromTheSeniorReviewToNotification_NotBackToRedrafting()
    {
        await using var d = new ProcedureDriver();
        const string Case = "NBO-2026-000026";
        await d.RegisterAsync(Case, new { caseId = Case, office = "NBO" });
        await d.CompleteAsync(Case, "register", "clerk.one", new { registeredOn = "2026-03-02" });
        await d.CompleteAsync(Case, "profile", "clerk.one", new { referral = "SeeksAsylum" });
        await d.CompleteAsync(Case, "interviewRegular", Officer, new { interviewDate = "2026-04-01" });

        // Returned once: the redraft flags exclusion, and the senior review (no outcomes) leads on to notification.
        await d.CompleteAsync(Case, "draftDecision", Officer, new { decision = "Rejected", reasons = "Not credible." });
        await d.CompleteAsync(Case, "reviewDecision", Supervisor, new { outcome = "return" });
        await d.CompleteAsync(Case, "draftDecision", Officer, new { decision = "Excluded", reasons = "Article 1F indicators.", exclusionFlagged = true });
        await d.CompleteAsync(Case, "exclusionReview", Supervisor, new { exclusionConfirmed = true });
        Assert.Equal(["notify"], await d.OpenTasksAsync(Case));
    }

    [Fact]
    public async Task Withdrawal_ClosesTheCase()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000006", new { caseId = "NBO-2026-000006", office = "NBO" });
        await d.CompleteAsync("NBO-2026-000006", "register", "clerk.one", new { registeredOn = "2026-03-02" });
        await d.CompleteAsync("NBO-2026-000006", "profile", "clerk.one", new { referral = "SeeksAsylum" });
        await d.CompleteAsync("NBO-2026-000006", "interviewRegular", Officer, new { interviewDate = "2026-04-01" });

        await d.CompleteAsync("NBO-2026-000006", "draftDecision", Officer, new { decision = "Withdrawn", reasons = "The applicant withdrew the claim in writing." });

        Assert.Equal(InstanceStatus.Completed, (await d.InstancesAsync("NBO-2026-000006")).Single(i => i.Id == claim).Status);
        Assert.Empty(await d.OpenTasksAsync("NBO-2026-000006"));
    }

    [Fact]
    public async Task ReviewByTheDrafter_IsRefused_AndTheTaskStaysOpen()
    {
        await using var d = new ProcedureDriver();
        await d.RegisterAsync("NBO-2026-000007", new { caseId = "NBO-2026-000007", office = "NBO" });
        await d.CompleteAsync("NBO-2026-000007", "register", "clerk.one", new { registeredOn = "2026-03-02" });
        await d.CompleteAsync("NBO-2026-000007", "profile", "clerk.one", new { referral = "SeeksAsylum" });
        await d.CompleteAsync("NBO-2026-000007", "interviewRegular", "senior.officer", new { interviewDate = "2026-04-01" });
        await d.CompleteAsync("NBO-2026-000007", "draftDecision", "senior.officer", new { decision = "Rejected", reasons = "Not credible." });

        var refused = await d.TryCompleteAsync("NBO-2026-000007", "reviewDecision", "senior.officer", new { outcome = "approve" });

        Assert.Equal((RuntimeOutcomeKind.Rejected, "four-eyes"), (refused.Kind, refused.Reason));
        Assert.Equal(["reviewDecision"], await d.OpenTasksAsync("NBO-2026-000007"));
    }

    [Fact]
    public async Task AnSlaBreach_EscalatesToASupervisor_WithoutClosingTheInterview()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000008", new { caseId = "NBO-2026-000008", office = "NBO" });
        await d.CompleteAsync("NBO-2026-000008", "register", "clerk.one", new { registeredOn = "2026-03-02", specificNeeds = new[] { "UnaccompaniedOrSeparatedChild" } });
        await d.CompleteAsync("NBO-2026-000008", "profile", "clerk.one", new { referral = "SeeksAsylum" });
        Assert.Equal("2026-04-01T23:59:59Z", (await d.VariableAsync(claim, "interviewDue")).GetString());

        await d.AdvanceAsync(TimeSpan.FromDays(31));

        Assert.Equal(["escalateSla", "interviewAccelerated"], await d.OpenTasksAsync("NBO-2026-000008"));
    }

    [Fact]
    public async Task AnEscalationStillOpen_WhenTheClaimEnds_IsWithdrawnWithIt_AndTheWorkflowCompletes()
    {
        const string Case = "NBO-2026-000033";
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync(Case, new { caseId = Case, office = "NBO" });
        await d.CompleteAsync(Case, "register", "clerk.one", new { registeredOn = "2026-03-02", specificNeeds = new[] { "UnaccompaniedOrSeparatedChild" } });
        await d.CompleteAsync(Case, "profile", "clerk.one", new { referral = "SeeksAsylum" });
        await d.AdvanceAsync(TimeSpan.FromDays(31));
        await d.CompleteAsync(Case, "interviewAccelerated", Officer, new { interviewDate = "2026-04-03" });
        Assert.Equal(["draftDecision", "escalateSla"], await d.OpenTasksAsync(Case));

        await d.CompleteAsync(Case, "draftDecision", Officer, new { decision = "Withdrawn", reasons = "The applicant withdrew the claim in writing." });

        Assert.Empty(await d.OpenTasksAsync(Case));
        Assert.Equal(InstanceStatus.Completed, (await d.InstancesAsync(Case)).Single(i => i.Id == claim).Status);
        await using var scope = d.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();
        var escalation = await db.WorkItems.SingleAsync(w => w.InstanceId == claim && w.ElementId == "escalateSla", TestContext.Current.CancellationToken);
        Assert.Equal(WorkItemStatus.Cancelled, escalation.Status);
    }

    [Fact]
    public async Task AChildInDetention_OpensASupervisorTaskBesideTheInterview_AndTheClaimGoesOnWhenItIsDone()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000031", new { caseId = "NBO-2026-000031", office = "NBO" });
        await d.CompleteAsync("NBO-2026-000031", "register", "clerk.one", new { registeredOn = "2026-03-02" });

        await d.CompleteAsync("NBO-2026-000031", "profile", "clerk.one", new { referral = "SeeksAsylum", childInDetention = true });

        Assert.Equal(["detentionAttention", "interviewRegular"], await d.OpenTasksAsync("NBO-2026-000031"));
        var attention = await d.OpenTaskAsync("NBO-2026-000031", "detentionAttention");
        Assert.Equal(("Supervisor", 100, new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero)),
            (attention!.CandidateRoles, attention.Priority, attention.DueAt));
        var refused = await d.TryCompleteAsync("NBO-2026-000031", "detentionAttention", "supervisor.one", new { detentionActions = new[] { "ReleaseRequested" } });
        Assert.Equal(RuntimeOutcomeKind.Invalid, refused.Kind);
        Assert.Contains(refused.Errors, e => e.Field == "detentionNote");

        await d.CompleteAsync("NBO-2026-000031", "detentionAttention", "supervisor.one",
            new { detentionActions = new[] { "ReleaseRequested", "ChildProtectionReferral" }, detentionNote = "Release requested from the centre." });

        Assert.Equal(["interviewRegular"], await d.OpenTasksAsync("NBO-2026-000031"));
        Assert.Equal(InstanceStatus.Running, (await d.InstancesAsync("NBO-2026-000031")).Single().Status);
        await d.CompleteAsync("NBO-2026-000031", "interviewRegular", "officer.one", new { interviewDate = "2026-03-10" });
        Assert.Equal(["draftDecision"], await d.OpenTasksAsync("NBO-2026-000031"));
        Assert.Equal("Release requested from the centre.", (await d.VariableAsync(claim, "detentionNote")).GetString());
    }

    [Fact]
    public async Task NoChildInDetention_NoSupervisorTask()
    {
        await using var d = new ProcedureDriver();
        await d.RegisterAsync("NBO-2026-000032", new { caseId = "NBO-2026-000032", office = "NBO" });
        await d.CompleteAsync("NBO-2026-000032", "register", "clerk.one", new { registeredOn = "2026-03-02" });

        await d.CompleteAsync("NBO-2026-000032", "profile", "clerk.one", new { referral = "SeeksAsylum", childInDetention = false });

        Assert.Equal(["interviewRegular"], await d.OpenTasksAsync("NBO-2026-000032"));
    }

    [Fact]
    public async Task TraffickingReferral_LeavesRsd_WithTheReferralRecorded()
    {
        await using var d = new ProcedureDriver();
        var claim = await d.RegisterAsync("NBO-2026-000009", new { caseId = "NBO-2026-000009", office = "NBO" });
        await d.CompleteAsync("NBO-2026-000009", "register", "clerk.one", new { registeredOn = "2026-03-02" });

        await d.CompleteAsync("NBO-2026-000009", "profile", "clerk.one", new { referral = "VictimOfTraffickingProcess" });

        Assert.Equal("VictimOfTraffickingProcess", (await d.VariableAsync(claim, "referralRecorded")).GetString());
        Assert.Equal(InstanceStatus.Completed, (await d.InstancesAsync("NBO-2026-000009")).Single().Status);
        Assert.Empty(await d.OpenTasksAsync("NBO-2026-000009"));
    }

    [Fact]
    public async Task TaskData_ThatDoesNotFitTheForm_IsRefusedNamingTheField()
    {
        await using var d = new ProcedureDriver();
        await d.RegisterAsync("NBO-2026-000010", new { caseId = "NBO-2026-000010", office = "NBO" });

        var refused = await d.TryCompleteAsync("NBO-2026-000010", "register", "clerk.one", new { registeredOn = "yesterday", specificNeeds = new[] { "Unknown" } });

        Assert.Equal(RuntimeOutcomeKind.Invalid, refused.Kind);
        Assert.Equal(["registeredOn", "specificNeeds"], refused.Errors.Select(e => e.Field).Order());
    }
}

public sealed class ReferenceWorkflowTests
{
    [Fact]
    public async Task AllFourReferenceWorkflows_AreImportedAsVersionOne()
    {
        await using var d = new ProcedureDriver();
        await using var scope = d.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();

        var published = await db.WorkflowDefinitions.Select(w => w.ProcessId + ":" + w.Version).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["appeal:1", "asylum-claim:1", "durable-solutions:1", "return:1"], published.Order());
    }

    [Theory]
    [InlineData("asylum-claim.bpmn")]
    [InlineData("appeal.bpmn")]
    [InlineData("durable-solutions.bpmn")]
    [InlineData("return.bpmn")]
    public void ReferenceWorkflow_UserTasksCarryCandidateRolesAnExistingFormAndADueRule(string file)
    {
        var forms = Casework.Engine.Forms.FormCatalog.Load(Casework.Testing.RepositoryPaths.Combine("workflows", "forms"));
        var parsed = new Casework.Engine.Parsing.BpmnParser().Parse(File.ReadAllText(Casework.Testing.RepositoryPaths.Combine("workflows", file)));

        Assert.Empty(forms.Problems);
        var tasks = parsed.Processes.SelectMany(p => p.Nodes.Values).OfType<Casework.Engine.Model.UserTask>().ToList();
        Assert.NotEmpty(tasks);
        Assert.All(tasks, t =>
        {
            Assert.NotEmpty(t.CandidateRoles);
            Assert.NotNull(t.Due);
            Assert.NotNull(forms.Find(t.FormKey ?? "(none)"));
        });
    }

    [Theory]
    [InlineData("asylum-claim.bpmn")]
    [InlineData("appeal.bpmn")]
    [InlineData("durable-solutions.bpmn")]
    [InlineData("return.bpmn")]
    public void ReferenceWorkflow_HasALayoutForEveryElement(string file)
    {
        var xml = System.Xml.Linq.XDocument.Load(Casework.Testing.RepositoryPaths.Combine("workflows", file));
        System.Xml.Linq.XNamespace bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
        System.Xml.Linq.XNamespace di = "http://www.omg.org/spec/BPMN/20100524/DI";
        var elements = xml.Descendants(bpmn + "process").Elements()
            .Where(e => e.Attribute("id") is not null).Select(e => (string)e.Attribute("id")!).ToList();
        var drawn = xml.Descendants().Where(e => e.Name == di + "BPMNShape" || e.Name == di + "BPMNEdge")
            .Select(e => (string?)e.Attribute("bpmnElement")).ToHashSet();

        Assert.NotEmpty(elements);
        Assert.All(elements, id => Assert.Contains(id, drawn));
    }

    [Theory]
    [InlineData("check.mjs", "asylum-claim.bpmn: 1 process(es)")]
    [InlineData("render.mjs", "asylum-claim.bpmn: drawn by bpmn-js")]
    public async Task ReferenceWorkflows_OpenInBpmnJs_WithoutWarnings(string script, string expected)
    {
        var lint = Casework.Testing.RepositoryPaths.Combine("tests", "workflow-lint");
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        var missing = !Directory.Exists(Path.Combine(lint, "node_modules", "bpmn-js"))
            ? "bpmn-js is not installed: run 'npm ci --prefix tests/workflow-lint' (.ci/run does)."
            : script == "render.mjs" && !File.Exists(chromium) ? $"No Chromium at {chromium}: apt-get install chromium (.ci/run does)." : null;
        if (missing is not null)
        {
            if (Casework.Testing.PostgresServer.IsCi)
            {
                Assert.Fail(missing);
            }

            Assert.Skip(missing);
        }

        var start = new System.Diagnostics.ProcessStartInfo("node") { WorkingDirectory = lint, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var file in Directory.GetFiles(Casework.Testing.RepositoryPaths.Combine("workflows"), "*.bpmn"))
        {
            start.ArgumentList.Add(file);
        }

        using var node = System.Diagnostics.Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = await node.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await node.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(node.ExitCode == 0, output + errors);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Return_IsBlockedWhileAnAppealIsPending_AndGoesToASupervisor()
    {
        await using var d = new ProcedureDriver();
        await using (var scope = d.Host.Services.CreateAsyncScope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().StartAsync("return", "NBO-2026-000011",
                ProcedureDriver.Vars(new { caseId = "NBO-2026-000011", appealTiming = "InTime" }), "officer.one", TestContext.Current.CancellationToken);
            Assert.True(started.Succeeded, started.Message);
        }

        await d.CompleteAsync("NBO-2026-000011", "counselling", "officer.one", new { returnOption = "AssistedWithPartner", partnerOrganisation = "IOM" });
        await d.CompleteAsync("NBO-2026-000011", "riskAssessment", "officer.one", ProcedureDriver.RiskAssessed("NoRealRisk"));

        Assert.Equal(["reviewBlocked"], await d.OpenTasksAsync("NBO-2026-000011"));
    }

    [Fact]
    public async Task AnAssistedReturn_NamesItsPartner_AndARealRiskOfRefoulementFoundInTheAssessment_BlocksAnyDepartureStep()
    {
        await using var d = new ProcedureDriver();
        await StartReturnAsync(d, "NBO-2026-000027");

        var refused = await d.TryCompleteAsync("NBO-2026-000027", "counselling", "officer.one", new { returnOption = "AssistedWithPartner" });
        Assert.False(refused.Succeeded);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("partnerOrganisation", error.Field);
        Assert.Equal("'Partner organisation' is required when 'Return option' is AssistedWithPartner.", error.Message);
        Assert.Equal(["counselling"], await d.OpenTasksAsync("NBO-2026-000027"));

        await d.CompleteAsync("NBO-2026-000027", "counselling", "officer.one", new { returnOption = "AssistedWithPartner", partnerOrganisation = "IOM" });
        Assert.Equal(["riskAssessment"], await d.OpenTasksAsync("NBO-2026-000027"));
        await d.CompleteAsync("NBO-2026-000027", "riskAssessment", "officer.one", ProcedureDriver.RiskAssessed("RealRisk"));

        Assert.Equal(["reviewBlocked"], await d.OpenTasksAsync("NBO-2026-000027"));
    }

    [Fact]
    public async Task TheCheckBeforeAnyDepartureStep_RefusesAReturnWhoseRiskOfRefoulementWasNeverAssessed()
    {
        // An instance started on a version without the assessment, or moved past it, still meets the check.
        var handler = new Casework.Web.Features.Procedure.DepartureCheckHandler(TimeProvider.System);
        var context = new Casework.Data.Runtime.Handlers.ServiceTaskContext(Guid.NewGuid(), "NBO-2026-000028", "checkDeparture",
            ProcedureDriver.Vars(new { returnOption = "Voluntary" }), null!);

        var blocked = await Assert.ThrowsAsync<Casework.Data.Runtime.Handlers.BpmnErrorException>(() => handler.HandleAsync(context, TestContext.Current.CancellationToken));

        Assert.Equal("DEPARTURE_BLOCKED", blocked.ErrorCode);
        Assert.Equal("The risk of refoulement has not been assessed.", blocked.Message);
        var cleared = await handler.HandleAsync(context with { Variables = ProcedureDriver.Vars(new { refoulementRisk = "NoRealRisk" }) }, TestContext.Current.CancellationToken);
        Assert.True(cleared!["departureCleared"].GetBoolean());
    }

    [Fact]
    public async Task AlternativeLegalMigration_SkipsTheDepartureSteps_ARefusedPermitComesBackToCounselling_AndAGrantedOneEndsTheReturn()
    {
        await using var d = new ProcedureDriver();
        await StartReturnAsync(d, "NBO-2026-000029");

        await d.CompleteAsync("NBO-2026-000029", "counselling", "officer.one", new { returnOption = "AlternativeLegalMigration" });
        Assert.Equal(["legalMigration"], await d.OpenTasksAsync("NBO-2026-000029"));
        var unnamed = await d.TryCompleteAsync("NBO-2026-000029", "legalMigration", "officer.one", new { migrationPathway = "Other", migrationDecidedOn = "2026-04-01", outcome = "refused" });
        Assert.Equal("migrationPathwayName", Assert.Single(unnamed.Errors).Field);
        await d.CompleteAsync("NBO-2026-000029", "legalMigration", "officer.one", new { migrationPathway = "WorkPermit", migrationDecidedOn = "2026-04-01", outcome = "refused" });
        Assert.Equal(["counselling"], await d.OpenTasksAsync("NBO-2026-000029"));

        await d.CompleteAsync("NBO-2026-000029", "counselling", "officer.one", new { returnOption = "AlternativeLegalMigration" });
        await d.CompleteAsync("NBO-2026-000029", "legalMigration", "officer.one",
            new { migrationPathway = "Other", migrationPathwayName = "Seasonal work scheme", migrationDecidedOn = "2026-05-04", outcome = "granted" });

        Assert.Empty(await d.OpenTasksAsync("NBO-2026-000029"));
        var instance = Assert.Single(await d.InstancesAsync("NBO-2026-000029"));
        Assert.Equal(Casework.Data.Runtime.Records.InstanceStatus.Completed, instance.Status);
    }

    private static async Task StartReturnAsync(ProcedureDriver d, string number)
    {
        await using var scope = d.Host.Services.CreateAsyncScope();
        var started = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().StartAsync("return", number,
            ProcedureDriver.Vars(new { caseId = number }), "officer.one", TestContext.Current.CancellationToken);
        Assert.True(started.Succeeded, started.Message);
    }
}
