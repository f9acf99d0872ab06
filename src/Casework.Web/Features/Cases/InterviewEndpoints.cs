using System.Security.Claims;
using Casework.Data.Identity;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Casework.Web.Features.Cases;

/// <summary>
/// <c>/api/cases/{id}/interviews</c>: eligibility officers and supervisors book a case's RSD interview and cancel it with the
/// reason, and from its day on its interviewer or a supervisor records whether it was held; the staff who read the case read its interviews; an eligibility officer reads their own agenda at
/// <c>/api/me/interviews</c>, and the schedulers an office's calendar and its interviews awaiting their outcome at <c>/api/interviews</c>. The rules are <see cref="Interviews"/>'.
/// </summary>
public static class InterviewEndpoints
{
    public const string Schedulers = "interview-schedulers";
    public const string Interviewers = "interviewers";

    public static WebApplicationBuilder AddCaseworkInterviews(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<Interviews>();
        builder.Services.AddScoped<InterviewCalendar>();
        builder.Services.AddScoped<InterviewOutcomeCorrections>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Schedulers, p => p.RequireRole(CaseworkRoles.EligibilityOfficer, CaseworkRoles.Supervisor))
            .AddPolicy(Interviewers, p => p.RequireRole(CaseworkRoles.EligibilityOfficer));
        return builder;
    }

    public static IEndpointRouteBuilder MapInterviewEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases/{id:guid}/interviews").WithTags("Interviews");
        group.MapGet("/", ListAsync).RequireAuthorization(ApiSetup.Readers).WithSummary("The case's interviews, scheduled and cancelled, the most recently booked first.");
        group.MapGet("/{interviewId:guid}", GetAsync).RequireAuthorization(ApiSetup.Readers).WithSummary("One interview of the case.");
        group.MapPost("/", ScheduleAsync).RequireAuthorization(Schedulers)
            .WithSummary("Book the case's RSD interview: day and time at the office, interviewer, language, interpreter, the genders the applicant asked for, the representative's invitation.");
        group.MapPost("/{interviewId:guid}/cancel", CancelAsync).RequireAuthorization(Schedulers)
            .WithSummary("Cancel a scheduled interview with the reason; the case can then book another.");
        group.MapPost("/{interviewId:guid}/outcome", RecordOutcomeAsync).RequireAuthorization(Schedulers)
            .WithSummary("Record, from the interview's day on, that it was held or that the applicant did not come (with what was done to reach them); its interviewer or a supervisor, once.");
        group.MapPost("/{interviewId:guid}/outcome/corrections", CorrectOutcomeAsync).RequireAuthorization(ApiSetup.Supervisors)
            .WithSummary("Correct a recorded outcome (held or the applicant absent, and its note) with the reason; supervisors. The earlier outcome is kept in the interview's outcomeCorrections.");
        app.MapGet("/api/me/interviews", AgendaAsync).WithTags("Interviews").RequireAuthorization(Interviewers)
            .WithSummary("The caller's interviews, scheduled, held or missed (not cancelled), from a day (from, today when left out) for a number of days (days, 28 when left out, at most 92), in the order they are held.");
        var calendar = app.MapGroup("/api/interviews").WithTags("Interviews").RequireAuthorization(Schedulers);
        calendar.MapGet("/", CalendarAsync)
            .WithSummary("An office's interviews (office; every office's when left out), whoever holds them, scheduled, held or missed (not cancelled), from a day (from, today when left out) for a number of days (days, 28 when left out, at most 92), in the order they are held.");
        calendar.MapGet("/awaiting-outcome", AwaitingOutcomeAsync)
            .WithSummary("An office's interviews (office; every office's when left out) held before today whose outcome nobody has recorded, the oldest first, at most limit (50 when left out, at most 200).");
        return app;
    }

    private static async Task<Results<Ok<List<AgendaEntry>>, ValidationProblem>> CalendarAsync(InterviewCalendar calendar, Interviews interviews,
        string? office, string? from, string? days, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var code = InterviewCalendar.OfficeFilter(office, errors);
        return interviews.AgendaRange(from, days, errors) is { } range && errors.Count == 0
            ? TypedResults.Ok(await calendar.CalendarAsync(code, range.From, range.Days, cancellationToken))
            : TypedResults.ValidationProblem(errors);
    }

    private static async Task<Results<Ok<List<AgendaEntry>>, ValidationProblem>> AwaitingOutcomeAsync(InterviewCalendar calendar, string? office,
        string? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var code = InterviewCalendar.OfficeFilter(office, errors);
        var count = InterviewCalendar.AwaitingLimit(limit, errors);
        return errors.Count == 0
            ? TypedResults.Ok(await calendar.AwaitingOutcomeAtAsync(code, count, cancellationToken))
            : TypedResults.ValidationProblem(errors);
    }

    private static async Task<Results<Ok<List<InterviewView>>, NotFound>> ListAsync(Guid id, Interviews interviews, CancellationToken cancellationToken) =>
        await interviews.ListAsync(id, cancellationToken) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound();

    private static async Task<Results<Ok<InterviewView>, NotFound>> GetAsync(Guid id, Guid interviewId, Interviews interviews,
        CancellationToken cancellationToken) =>
        await interviews.GetAsync(id, interviewId, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Created<InterviewView>, NotFound, ValidationProblem, ProblemHttpResult>> ScheduleAsync(Guid id,
        ScheduleInterviewRequest request, ClaimsPrincipal user, Interviews interviews, CancellationToken cancellationToken) =>
        Answer(await interviews.ScheduleAsync(id, request, user.UserName(), cancellationToken), "The interview was not booked",
            view => TypedResults.Created($"/api/cases/{id}/interviews/{view.Id}", view));

    private static async Task<Results<Ok<InterviewView>, NotFound, ValidationProblem, ProblemHttpResult>> CancelAsync(Guid id, Guid interviewId,
        CancelInterviewRequest request, ClaimsPrincipal user, Interviews interviews, CancellationToken cancellationToken) =>
        Answer(await interviews.CancelAsync(id, interviewId, request.Reason, user.UserName(), cancellationToken), "The interview was not cancelled",
            TypedResults.Ok);

    private static async Task<Results<Ok<InterviewView>, NotFound, ValidationProblem, ProblemHttpResult>> RecordOutcomeAsync(Guid id, Guid interviewId,
        InterviewOutcomeRequest request, ClaimsPrincipal user, Interviews interviews, CancellationToken cancellationToken) =>
        Answer(await interviews.RecordOutcomeAsync(id, interviewId, request, user.UserName(), user.IsInRole(CaseworkRoles.Supervisor), cancellationToken),
            "The interview's outcome was not recorded", TypedResults.Ok);

    private static async Task<Results<Ok<InterviewView>, NotFound, ValidationProblem, ProblemHttpResult>> CorrectOutcomeAsync(Guid id,
        Guid interviewId, CorrectInterviewOutcomeRequest request, ClaimsPrincipal user, InterviewOutcomeCorrections corrections,
        CancellationToken cancellationToken) =>
        Answer(await corrections.CorrectAsync(id, interviewId, request, user.UserName(), cancellationToken), "The interview's outcome was not corrected",
            TypedResults.Ok);

    private static async Task<Results<Ok<List<AgendaEntry>>, ValidationProblem>> AgendaAsync(ClaimsPrincipal user, Interviews interviews, string? from,
        string? days, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        return interviews.AgendaRange(from, days, errors) is { } range
            ? TypedResults.Ok(await interviews.AgendaAsync(user.UserName(), range.From, range.Days, cancellationToken))
            : TypedResults.ValidationProblem(errors);
    }

    private static Results<T, NotFound, ValidationProblem, ProblemHttpResult> Answer<T>(InterviewOutcome outcome, string refusal, Func<InterviewView, T> done)
        where T : IResult => outcome.Kind switch
        {
            InterviewResult.Done => done(outcome.Interview!),
            InterviewResult.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
            InterviewResult.Refused => Problems.Rule("interview-stage", outcome.Message),
            InterviewResult.Conflict => Problems.Conflict(refusal, outcome.Message),
            InterviewResult.Forbidden => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status403Forbidden, title: refusal),
            _ => TypedResults.NotFound(),
        };
}
