using Casework.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddCaseworkLogging();
builder.AddCaseworkData();
builder.AddCaseworkHealthChecks();

var app = builder.Build();

if (!await app.InitializeCaseworkDatabaseAsync())
{
    return 1;
}

app.UseCaseworkRequestLogging();
app.MapCaseworkHealthEndpoints();

await app.RunAsync();
return 0;

/// <summary>The entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
