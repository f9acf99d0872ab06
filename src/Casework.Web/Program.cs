using Casework.Web.Features.Administration;
using Casework.Web.Features.Api;
using Casework.Web.Features.Appeals;
using Casework.Web.Features.Audit;
using Casework.Web.Features.Auth;
using Casework.Web.Features.Cases;
using Casework.Web.Features.Definitions;
using Casework.Web.Features.Demo;
using Casework.Web.Features.Instances;
using Casework.Web.Features.Me;
using Casework.Web.Features.Migrations;
using Casework.Web.Features.Partners;
using Casework.Web.Features.Procedure;
using Casework.Web.Features.Queues;
using Casework.Web.Features.Security;
using Casework.Web.Features.Statistics;
using Casework.Web.Features.Tasks;
using Casework.Web.Hosting;
using Casework.Web.Ui;

try
{
    var builder = WebApplication.CreateBuilder(args);

    builder.AddCaseworkLogging();
    builder.AddCaseworkTelemetry();
    builder.AddCaseworkData();
    builder.AddCaseworkRuntime();
    builder.AddCaseworkProcedure();
    builder.AddCaseworkHealthChecks();
    builder.AddCaseworkSecurity();
    builder.AddCaseworkAuthorizationServer();
    builder.AddCaseworkDemo();
    builder.AddCaseworkApi();
    builder.AddCaseworkAudit();
    builder.AddCaseworkCases();
    builder.AddCaseworkInterviews();
    builder.AddCaseworkStatistics();
    builder.AddCaseworkPartners();
    builder.AddCaseworkAppeals();
    builder.AddCaseworkAdministration();
    builder.AddCaseworkQueues();
    builder.AddCaseworkTasks();
    builder.AddCaseworkUi();

    var app = builder.Build();
    await app.InitializeCaseworkDatabaseAsync();

    app.UseCaseworkForwardedHeaders();
    app.UseCaseworkRequestLogging();
    app.UseCaseworkProblemDetails();
    app.UseCaseworkErrorPages(); // and routing, which must follow the error handlers
    app.UseCaseworkSecurity();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseCaseworkAudit();
    app.UseAntiforgery();
    app.UseCaseworkAntiforgeryErrorPage();

    app.MapCaseworkHealthEndpoints();
    app.MapCaseworkAuthorizationServer();
    var api = app.MapCaseworkApi();
    api.MapMeEndpoints();
    api.MapCaseEndpoints();
    api.MapCaseDetailEndpoints();
    api.MapCaseCorrectionEndpoints();
    api.MapCaseTriageEndpoints();
    api.MapCaseClosureEndpoints();
    api.MapCaseDeadlineEndpoints();
    api.MapAppealEndpoints();
    api.MapInterviewEndpoints();
    api.MapQueueEndpoints();
    api.MapTaskEndpoints();
    api.MapReassignEndpoints();
    api.MapDefinitionEndpoints();
    api.MapInstanceEndpoints();
    api.MapAuditEndpoints();
    api.MapMigrationEndpoints();
    api.MapStatisticsEndpoints();
    api.MapPartnerEndpoints();
    api.MapAdministrationEndpoints();
    app.MapCaseworkApiReference();
    app.MapCaseworkUi();

    await app.RunAsync();
    return 0;
}
catch (CaseworkConfigurationException ex)
{
    await Console.Error.WriteLineAsync("Casework cannot start: " + ex.Message);
    return 1;
}

/// <summary>The entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
