using Casework.Data.Runtime;
using Casework.Engine.Forms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Casework.Data.Tests.Runtime;

public sealed class FormCatalogRegistrationTests
{
    [Fact]
    public void TheFormsAreReadOnce_AndEachProblemIsLoggedAsAWarning()
    {
        var folder = Directory.CreateTempSubdirectory("workflows-");
        try
        {
            var forms = Directory.CreateDirectory(Path.Combine(folder.FullName, "forms"));
            File.WriteAllText(Path.Combine(forms.FullName, "counselling.json"), """
                { "key": "counselling", "fields": [
                    { "name": "option", "type": "choice", "options": [ "Voluntary", "Assisted" ] },
                    { "name": "partner", "type": "text", "requiredWhen": { "field": "option", "is": [ "Asisted" ] } } ] }
                """);
            File.WriteAllText(Path.Combine(forms.FullName, "wrong.json"), """{ "key": "other" }""");
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Workflows:Path"] = folder.FullName })
                .Build();
            var logged = new RecordingLoggerProvider();
            var services = new ServiceCollection()
                .AddLogging(logging => logging.AddProvider(logged))
                .AddCaseworkRuntime(configuration);
            using var provider = services.BuildServiceProvider();

            var catalog = provider.GetRequiredService<FormCatalog>();

            Assert.Same(catalog, provider.GetRequiredService<FormCatalog>());
            Assert.Equal(["counselling"], catalog.Keys);
            Assert.Null(catalog.Find("counselling")!.Fields[1].RequiredWhen);
            Assert.Equal(2, catalog.Problems.Count);
            Assert.Equal(catalog.Problems.Select(p => $"Form problem: {p}"), logged.Entries
                .Where(e => e.Category == typeof(FormCatalog).FullName && e.Level == LogLevel.Warning).Select(e => e.Message));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public List<(string Category, LogLevel Level, string Message)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Entries)
                {
                    owner.Entries.Add((category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
