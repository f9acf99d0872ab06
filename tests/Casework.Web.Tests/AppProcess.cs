using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Casework.Testing;

namespace Casework.Web.Tests;

/// <summary>
/// Runs the built application as a real process, the way <c>dotnet run</c> does: its own working directory
/// (the content root, holding copies of the app's appsettings files), settings as environment variables.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly Lock gate = new();

    private AppProcess(Process process, string contentRoot, int port)
    {
        this.process = process;
        ContentRoot = contentRoot;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public string ContentRoot { get; }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    public static AppProcess Start(string contentRoot, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.Combine("src", "Casework.Web"), "appsettings*.json"))
        {
            File.Copy(file, Path.Combine(contentRoot, Path.GetFileName(file)), overwrite: true);
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Casework.Web.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var app = new AppProcess(process, contentRoot, port);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits until the log says the app listens, or it exits; false on exit or time-out.</summary>
    public async Task<bool> WaitUntilListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var log = Output;
            if (log.Contains("Now listening on", StringComparison.Ordinal)
                && log.Contains(BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal))
            {
                return true;
            }

            if (process.HasExited)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return false;
    }

    /// <summary>Sends SIGINT, as Ctrl+C does in a terminal.</summary>
    public async Task InterruptAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
