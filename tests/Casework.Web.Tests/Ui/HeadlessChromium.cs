using System.Diagnostics;
using System.Text.RegularExpressions;
using Casework.Testing;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// The browser tests run one after another, in one collection: several Chromiums next to the parallel API tests starve a
/// two-core machine until page loads time out. The collection runs beside the others (one Chromium next to them) and
/// starts first (see <see cref="BrowserTestsFirst"/>); kept out of the parallel run, it waited for all of it and then
/// ran alone, the two phases back to back.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (no browser is ever downloaded). Without Chromium a test is
/// skipped, saying so, or fails under <c>CI=true</c>.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>
    /// Waits until the page shows the document at <paramref name="url"/> (a glob: <c>**</c> any characters, <c>*</c> any
    /// but <c>/</c>, the rest literal; the whole address must match) with its DOM parsed. Not Playwright's
    /// <c>WaitForURLAsync</c>: its wait for a load state once the address matched lost the event on this machine (waiting
    /// for DOMContentLoaded after one link click timed out every time although the log showed the load event after it,
    /// and twice in CI waiting for the load event did). So the address is read as Playwright last saw it and the
    /// document's state from the document itself.
    /// </summary>
    public static Task WaitForPageAsync(IPage page, string url)
    {
        var pattern = new Regex("^" + string.Concat(Regex.Split(url, @"(\*\*|\*)").Select(part => part switch
        {
            "**" => ".*",
            "*" => "[^/]*",
            _ => Regex.Escape(part),
        })) + "$", RegexOptions.CultureInvariant);
        return WaitForPageAsync(page, pattern.IsMatch, url);
    }

    /// <inheritdoc cref="WaitForPageAsync(IPage, string)"/>
    public static Task WaitForPageAsync(IPage page, Func<string, bool> url) => WaitForPageAsync(page, url, "the expected address");

    private static async Task WaitForPageAsync(IPage page, Func<string, bool> matches, string expected)
    {
        var waited = Stopwatch.StartNew();
        while (!matches(page.Url))
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"After 30 s the page is still at {page.Url}, not {expected}.");
            }

            await Task.Delay(25);
        }

        await page.WaitForFunctionAsync("() => document.readyState !== 'loading'");
    }

    // One Chromium for the whole run, started by the first test that needs it: starting Playwright's driver and the browser
    // took 1.1–1.9 s a test on this machine, a fresh context 0.4 s. The browser tests run one at a time (see
    // BrowserCollection), and each gets contexts of its own, so no cookie or storage passes from one test to the next.
    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static IPlaywright? playwright;
    private static IBrowser? browser;

    private readonly IBrowser shared;
    private readonly List<IBrowserContext> contexts = [];

    private HeadlessChromium(IBrowser shared) => this.shared = shared;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    /// <summary>
    /// The run's Chromium for one test, started if it is not running (or no longer is); disposing it closes the contexts the
    /// test opened and leaves the browser to the next test.
    /// </summary>
    public static async Task<HeadlessChromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            var reason = $"No Chromium at {ExecutablePath}: apt-get install chromium (.ci/run does).";
            if (PostgresServer.IsCi)
            {
                Assert.Fail("CI=true requires the browser tests to run, but: " + reason);
            }

            Assert.Skip(reason);
        }

        await Starting.WaitAsync();
        try
        {
            if (browser is not { IsConnected: true })
            {
                await StopAsync();
                playwright = await Playwright.CreateAsync();
                // The flags keep Chromium from reaching out to Google's services, which this machine's network refuses.
                browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ExecutablePath,
                    Headless = true,
                    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync"],
                });
            }

            return new HeadlessChromium(browser);
        }
        finally
        {
            Starting.Release();
        }
    }

    /// <summary>Closes the run's Chromium, if one was started (at the end of the run: see <see cref="SharedChromium"/>).</summary>
    internal static async Task StopAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
            browser = null;
        }

        playwright?.Dispose();
        playwright = null;
    }

    /// <summary>A fresh browser context (its own cookies) on <paramref name="server"/>.</summary>
    public async Task<IPage> NewPageAsync(Uri server)
    {
        var context = await shared.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.ToString().TrimEnd('/') });
        contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Runs <paramref name="action"/>, which makes the page navigate, and answers the response <paramref name="match"/>
    /// picks once the browser shows the new document with its DOM loaded. The response arrives before the browser swaps
    /// documents, so reading the page straight after it could read the old one (seen on a busy two-core machine).
    /// </summary>
    public static async Task<IResponse> RunAndLoadAsync(IPage page, Func<Task> action, Func<IResponse, bool> match)
    {
        // A page that reloads itself (a running move's meta refresh) may swap documents while the marker is set: set it on the new one.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.EvaluateAsync("() => { window.caseworkPreviousDocument = true; }");
                break;
            }
            catch (PlaywrightException ex) when (attempt < 5 && ex.Message.Contains("Execution context was destroyed", StringComparison.Ordinal))
            {
                await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
            }
        }

        var response = await page.RunAndWaitForResponseAsync(action, match);
        await page.WaitForFunctionAsync("() => window.caseworkPreviousDocument !== true && document.readyState !== 'loading'");
        return response;
    }

    /// <summary>Clicks the button named <paramref name="button"/>, which posts its form, and answers the response once the new document is shown.</summary>
    public static Task<IResponse> PostFormAsync(IPage page, string button) =>
        RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Request.Method == "POST");

    /// <summary>Signs in on the authorization server's page, starting from <paramref name="path"/>.</summary>
    public static async Task<IResponse> SignInAsync(IPage page, string path, string user, string password)
    {
        await page.GotoAsync(path);
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        // The form posts, and the redirects that follow end in the page the user is taken to: its response.
        // The document, not every style sheet: waiting for the load event timed out on a busy two-core machine.
        return await RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Request.Frame == page.MainFrame && r.Status is < 300 or >= 400);
    }

    /// <summary>
    /// Posts a form the page never offered: <paramref name="fields"/> to <paramref name="action"/>, with the antiforgery
    /// token of a form the page shows, as a forged submission (a user who got hold of a token) would. The response to it.
    /// </summary>
    public static Task<IResponse> ForgePostAsync(IPage page, string action, IReadOnlyDictionary<string, string> fields) =>
        RunAndLoadAsync(page, () => page.EvaluateAsync(@"([action, fields]) => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = action;
                const token = document.querySelector('input[name=__RequestVerificationToken]').value;
                for (const [name, value] of Object.entries({ ...fields, __RequestVerificationToken: token })) {
                    const input = document.createElement('input');
                    input.type = 'hidden';
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }", new object[] { action, fields }), r => r.Request.IsNavigationRequest && r.Request.Method == "POST");

    public async ValueTask DisposeAsync()
    {
        foreach (var context in contexts)
        {
            try
            {
                await context.CloseAsync();
            }
            catch (PlaywrightException) when (!shared.IsConnected)
            {
                // The browser went away during the test (which says why); the next test starts another.
            }
        }

        contexts.Clear();
    }
}

/// <summary>Closes the run's Chromium when the test assembly is done (no test starts it unless it needs it).</summary>
public sealed class SharedChromium : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await HeadlessChromium.StopAsync();
    }
}
