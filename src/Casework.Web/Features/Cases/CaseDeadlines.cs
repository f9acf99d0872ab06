using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Domain.Cases;
using Casework.Engine.State;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>
/// A date the office's rule pack computed for the case, with the explanation it was given (kept as computed, so a later change
/// of the office's rules does not rewrite it), and where the case stands against it today: <see cref="CaseDeadlines.Open"/>
/// with <see cref="DaysLeft"/> (0 on the day itself), <see cref="CaseDeadlines.Passed"/>, or done (<see cref="CaseDeadlines.Held"/>,
/// <see cref="CaseDeadlines.Lodged"/>, on <see cref="DoneOn"/>), or <see cref="CaseDeadlines.Ended"/> when the case left the
/// stage without it.
/// </summary>
public sealed record CaseDeadlineView(string Kind, DateOnly Date, string Explanation, string Status, int DaysLeft, DateOnly? DoneOn);

/// <summary>
/// The case's deadlines for the people who work it: the interview target its track set at triage, and, once the decision is
/// notified, the appeal deadline and the last day a late appeal is accepted. The procedure keeps each date and its explanation
/// in the case's workflow when it computes them; this reads them back, the partner's appeal view alike.
/// </summary>
public static class CaseDeadlines
{
    public const string InterviewTarget = "InterviewTarget";
    public const string AppealDeadline = "AppealDeadline";
    public const string LateAppealCutoff = "LateAppealCutoff";

    public const string Open = "Open";
    public const string Passed = "Passed";
    public const string Held = "Held";
    public const string Lodged = "Lodged";
    public const string Ended = "Ended";

    private const string AppealProcess = "appeal";

    /// <summary>The stages at which the interview target still runs.</summary>
    private static readonly HashSet<string> BeforeInterview = [nameof(CaseStage.Triage), nameof(CaseStage.Assessment)];

    public static IEndpointRouteBuilder MapCaseDeadlineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cases/{id:guid}/deadlines", GetAsync).WithTags("Cases").RequireAuthorization(ApiSetup.Readers)
            .WithSummary("The case's interview target, appeal deadline and late-appeal cut-off: each date, how it was computed, and where the case stands.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<CaseDeadlineView>>, NotFound>> GetAsync(Guid id, CaseworkDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is { } c
            ? TypedResults.Ok(await ViewAsync(c, db, clock, cancellationToken))
            : TypedResults.NotFound();

    /// <summary>The case's deadlines in the order the procedure meets them; none before triage.</summary>
    internal static async Task<IReadOnlyList<CaseDeadlineView>> ViewAsync(CaseRecord c, CaseworkDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (c.InstanceId is not { } instance
            || await db.Instances.AsNoTracking().Where(i => i.Id == instance).Select(i => i.State).SingleOrDefaultAsync(cancellationToken) is not { } state)
        {
            return [];
        }

        var variables = InstanceStateSerializer.Deserialize(state).Variables;
        DateOnly? lodgedOn = null;
        if (Text(variables, "appealGrounds") is not null)
        {
            // The appeal's own instance records the day it was lodged; after a remittal the latest appeal is the one lodged last.
            var appeals = await db.Instances.AsNoTracking().Where(i => i.ParentInstanceId == instance && i.ProcessId == AppealProcess)
                .Select(i => i.State).ToListAsync(cancellationToken);
            lodgedOn = appeals.Select(a => Dates.Parse(Text(InstanceStateSerializer.Deserialize(a).Variables, "appealLodgedOn"))).Max();
        }

        return Of(c, variables, lodgedOn, Dates.Today(clock));
    }

    private static string? Text(IReadOnlyDictionary<string, JsonElement> variables, string name) =>
        variables.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static IReadOnlyList<CaseDeadlineView> Of(CaseRecord c, IReadOnlyDictionary<string, JsonElement> variables, DateOnly? lodgedOn, DateOnly today)
    {
        string? Text(string name) => CaseDeadlines.Text(variables, name);
        var deadlines = new List<CaseDeadlineView>();
        void Add(string kind, string dateVariable, Func<DateOnly, (string Status, DateOnly? DoneOn)> standing)
        {
            if (Dates.Parse(Text(dateVariable)) is { } date)
            {
                var (status, doneOn) = standing(date);
                deadlines.Add(new CaseDeadlineView(kind, date, Text(dateVariable + "Explanation") ?? string.Empty, status, date.DayNumber - today.DayNumber, doneOn));
            }
        }

        (string, DateOnly?) Running(DateOnly date) => (date >= today ? Open : Passed, null);

        Add(InterviewTarget, "interviewDue", date =>
            Dates.Parse(Text("interviewDate")) is { } held ? (Held, held)
            : c.ClosedAs is not null || !BeforeInterview.Contains(c.Stage) ? (Ended, null)
            : Running(date));
        var lodged = Text("appealGrounds") is not null || Text("appealOutcome") is not null;
        (string, DateOnly?) Appeal(DateOnly date) => lodged ? (Lodged, lodgedOn) : Running(date);
        Add(AppealDeadline, "appealDeadline", Appeal);
        Add(LateAppealCutoff, "appealCutoff", Appeal);
        return deadlines;
    }
}
