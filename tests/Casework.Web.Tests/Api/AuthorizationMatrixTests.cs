using System.Net;
using System.Text.RegularExpressions;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>
/// Every API endpoint called as every role and anonymously. A new endpoint without a row here fails the test, so
/// no endpoint ships without a decided policy.
/// </summary>
public sealed partial class AuthorizationMatrixTests(Casework.Testing.PostgresFixture postgres)
{
    private const string Clerk = CaseworkRoles.RegistrationClerk;
    private const string Officer = CaseworkRoles.EligibilityOfficer;
    private const string Supervisor = CaseworkRoles.Supervisor;
    private const string Partner = CaseworkRoles.LegalAidPartner;
    private const string Auditor = CaseworkRoles.Auditor;
    private const string Admin = CaseworkRoles.Administrator;

    private static readonly string[] Readers = [Clerk, Officer, Supervisor, Auditor];
    private static readonly string[] CaseWorkers = [Clerk, Officer, Supervisor];

    /// <summary>"METHOD route pattern" → the roles allowed (anonymous is never allowed on /api).</summary>
    private static readonly Dictionary<string, string[]> Matrix = new()
    {
        ["GET /api/me"] = [Clerk, Officer, Supervisor, Partner, Auditor, Admin],
        ["POST /api/cases/"] = [Clerk, Supervisor],
        ["GET /api/cases/{id:guid}"] = Readers,
        ["GET /api/cases/"] = Readers,
        ["GET /api/queues/mine"] = Readers,
        ["GET /api/queues/roles/{role}"] = Readers,
        ["GET /api/queues/counts"] = Readers,
        ["GET /api/tasks/{id:guid}"] = Readers,
        ["POST /api/tasks/{id:guid}/claim"] = CaseWorkers,
        ["POST /api/tasks/{id:guid}/release"] = CaseWorkers,
        ["POST /api/tasks/{id:guid}/complete"] = CaseWorkers,
        ["POST /api/tasks/reassign"] = [Supervisor],
        ["GET /api/workflow-definitions/"] = Readers,
        ["GET /api/workflow-definitions/{processId}/versions"] = Readers,
        ["GET /api/workflow-definitions/{processId}/versions/{version:int}/bpmn"] = Readers,
        ["GET /api/workflow-definitions/{processId}/diff"] = Readers,
        ["PUT /api/workflow-definitions/{processId}/draft"] = [Supervisor],
        ["DELETE /api/workflow-definitions/{processId}/draft"] = [Supervisor],
        ["POST /api/workflow-definitions/{processId}/draft/validate"] = [Supervisor],
        ["POST /api/workflow-definitions/{processId}/draft/publish"] = [Supervisor],
        ["POST /api/workflow-definitions/{processId}/versions/{version:int}/retire"] = [Supervisor],
        ["GET /api/instances/{id:guid}"] = [Supervisor, Auditor],
        ["GET /api/instances/{id:guid}/journal"] = [Supervisor, Auditor],
        ["GET /api/instances/{id:guid}/incidents"] = [Supervisor, Auditor],
        ["POST /api/instances/{id:guid}/incidents/{incidentId:guid}/retry"] = [Supervisor],
        ["GET /api/audit/verify"] = [Auditor, Admin],
        ["GET /api/audit/entries"] = [Auditor, Admin],
        ["GET /api/audit/export"] = [Auditor, Admin],
        ["GET /api/statistics/cases"] = [Supervisor, Auditor, Admin],
        ["POST /api/cases/{id:guid}/representations"] = [Supervisor],
        ["GET /api/cases/{id:guid}/representations"] = Readers,
        ["GET /api/cases/{id:guid}/interviews/"] = Readers,
        ["GET /api/cases/{id:guid}/interviews/{interviewId:guid}"] = Readers,
        ["POST /api/cases/{id:guid}/interviews/"] = [Officer, Supervisor],
        ["POST /api/cases/{id:guid}/interviews/{interviewId:guid}/cancel"] = [Officer, Supervisor],
        ["POST /api/cases/{id:guid}/interviews/{interviewId:guid}/outcome"] = [Officer, Supervisor],
        ["POST /api/cases/{id:guid}/interviews/{interviewId:guid}/outcome/corrections"] = [Supervisor],
        ["GET /api/me/interviews"] = [Officer],
        ["GET /api/interviews/"] = [Officer, Supervisor],
        ["GET /api/interviews/awaiting-outcome"] = [Officer, Supervisor],
        ["POST /api/cases/{id:guid}/representations/{representationId:guid}/revoke"] = [Supervisor],
        ["POST /api/cases/{id:guid}/family-members"] = [Clerk, Supervisor],
        ["POST /api/cases/{id:guid}/family-members/{memberId:guid}/remove"] = [Clerk, Supervisor],
        ["PUT /api/cases/{id:guid}/family-members/{memberId:guid}"] = [Clerk, Supervisor],
        ["PUT /api/cases/{id:guid}/principal"] = [Clerk, Supervisor],
        ["GET /api/cases/{id:guid}/corrections"] = Readers,
        ["GET /api/cases/{id:guid}/triage"] = Readers,
        ["PUT /api/cases/{id:guid}/triage"] = [Supervisor],
        ["POST /api/cases/{id:guid}/closure"] = [Supervisor],
        ["GET /api/cases/{id:guid}/deadlines"] = Readers,
        ["GET /api/cases/{id:guid}/appeal/"] = Readers,
        ["POST /api/cases/{id:guid}/appeal/"] = [Clerk, Supervisor],
        ["POST /api/cases/{id:guid}/profiling"] = [Clerk, Supervisor],
        ["GET /api/partner/appeals"] = [Partner],
        ["POST /api/partner/appeals/{caseId:guid}"] = [Partner],
        ["GET /api/partner/interviews"] = [Partner],
        ["GET /api/partner/interviews/{interviewId:guid}"] = [Partner],
        ["PUT /api/partner/interviews/{interviewId:guid}/attendance"] = [Partner],
        ["POST /api/workflow-definitions/{processId}/migrations/dry-run"] = [Supervisor],
        ["POST /api/workflow-definitions/{processId}/migrations"] = [Supervisor],
        ["GET /api/migrations/{id:guid}"] = [Supervisor],
        ["POST /api/migrations/{id:guid}/cancel"] = [Supervisor],
        ["GET /api/admin/users"] = [Admin],
        ["GET /api/admin/users/{id}"] = [Admin],
        ["POST /api/admin/users"] = [Admin],
        ["PUT /api/admin/users/{id}"] = [Admin],
        ["POST /api/admin/users/{id}/disable"] = [Admin],
        ["POST /api/admin/users/{id}/enable"] = [Admin],
        ["POST /api/admin/users/{id}/password"] = [Admin],
        ["GET /api/admin/organisations"] = [Admin],
        ["GET /api/admin/organisations/{id:guid}"] = [Admin],
        ["POST /api/admin/organisations"] = [Admin],
        ["GET /api/admin/clients"] = [Admin],
        ["GET /api/admin/clients/{clientId}"] = [Admin],
        ["POST /api/admin/clients"] = [Admin],
        ["PUT /api/admin/clients/{clientId}"] = [Admin],
        ["POST /api/admin/clients/{clientId}/secret"] = [Admin],
        ["POST /api/admin/clients/{clientId}/disable"] = [Admin],
        ["POST /api/admin/clients/{clientId}/enable"] = [Admin],
        ["GET /api/admin/offices"] = [Admin],
        ["GET /api/admin/offices/{code}"] = [Admin],
        ["POST /api/admin/offices"] = [Admin],
        ["PUT /api/admin/offices/{code}"] = [Admin],
        ["GET /api/admin/offices/{code}/deadlines"] = [Admin],
        ["GET /api/admin/rule-packs"] = [Admin],
        ["GET /api/admin/rule-packs/{id:guid}"] = [Admin],
        ["POST /api/admin/rule-packs"] = [Admin],
        ["PUT /api/admin/rule-packs/{id:guid}"] = [Admin],
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task EveryEndpoint_AnswersEachRoleAsItsPolicySays_AndNoEndpointIsMissingFromTheMatrix(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        var roles = CaseworkRoles.All;
        await using var host = await ApiHost.StartAsync(store, postgres, [.. roles.Select(r => ($"user.{r.ToLowerInvariant()}", r))]);
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Distinct().ToList();

        Assert.Empty(endpoints.Except(Matrix.Keys));
        Assert.Empty(Matrix.Keys.Except(endpoints));

        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in roles)
        {
            clients[role] = await host.ClientForAsync($"user.{role.ToLowerInvariant()}");
        }

        using var anonymous = new HttpClient { BaseAddress = host.Server };
        var failures = new List<string>();
        foreach (var (key, allowed) in Matrix)
        {
            var method = new HttpMethod(key[..key.IndexOf(' ', StringComparison.Ordinal)]);
            // A role's queue is asked for the caller's own role: its policy, not the data, is under test.
            string PathFor(string role) => Parameter().Replace(key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..], m =>
                m.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString()
                : m.Value.Contains(":int", StringComparison.Ordinal) ? "1"
                : m.Value == "{role}" ? role : "no-such-process");
            await CheckAsync(anonymous, "anonymous", HttpStatusCode.Unauthorized);
            foreach (var role in roles)
            {
                await CheckAsync(clients[role], role, allowed.Contains(role) ? null : HttpStatusCode.Forbidden);
            }

            async Task CheckAsync(HttpClient client, string who, HttpStatusCode? expected)
            {
                using var request = new HttpRequestMessage(method, PathFor(CaseworkRoles.All.Contains(who) ? who : Clerk));
                if (method != HttpMethod.Get)
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                var status = (await client.SendAsync(request, ct)).StatusCode;
                var ok = expected is { } exactly ? status == exactly : status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError);
                if (!ok)
                {
                    failures.Add($"{key} as {who}: {(int)status}, expected {(expected is null ? "allowed (not 401/403/500)" : ((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [GeneratedRegex("{[^}]+}")]
    private static partial Regex Parameter();
}
