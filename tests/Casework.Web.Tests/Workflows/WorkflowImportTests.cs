using Casework.Data;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Workflows;

public sealed class WorkflowImportTests
{
    private const string Process = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:t">
          <bpmn:process id="intake" isExecutable="true">
            <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task Start_ImportsTheWorkflowFolder_AndARestartAddsNoVersion_ButABrokenFileIsSkipped()
    {
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "intake.bpmn"), Process, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "broken.bpmn"), "<definitions", TestContext.Current.CancellationToken);
        var database = $"Data Source={Path.Combine(folder.Path, "casework.db")}";

        for (var run = 0; run < 2; run++)
        {
            await using var factory = new CaseworkWebFactory(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Casework"] = database,
                ["Workflows:Path"] = folder.Path,
            });
            using var client = factory.CreateClient();
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();

            var versions = await db.WorkflowDefinitions.Select(d => new { d.ProcessId, d.Version }).ToListAsync(TestContext.Current.CancellationToken);

            Assert.Equal([new { ProcessId = "intake", Version = 1 }], versions);
        }
    }
}
