using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Casework.Web.Tests.Auth;

/// <summary>
/// A browser-less OpenID Connect client speaking the raw protocol: authorization code with PKCE through the
/// real sign-in form (cookies, antiforgery), then the token endpoint.
/// </summary>
public sealed partial class OidcTestClient(Uri server) : IDisposable
{
    public const string RedirectUri = "http://127.0.0.1/callback";
    private readonly CookieContainer cookies = new();
    private HttpClient? http;

    public HttpClient Http => http ??= new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
    {
        BaseAddress = server,
    };

    public async Task<JsonElement> SignInAsync(string clientId, string userName, string password, CancellationToken ct)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid profile roles offline_access casework_api",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = "state-123",
        });

        var toLogin = await Http.GetAsync(authorize, ct);
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        var loginUrl = toLogin.Headers.Location!;
        Assert.StartsWith("/account/login", loginUrl.IsAbsoluteUri ? loginUrl.PathAndQuery : loginUrl.OriginalString, StringComparison.Ordinal);

        var signedIn = await PostLoginAsync(loginUrl, userName, password, ct);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        var toCallback = await Http.GetAsync(signedIn.Headers.Location, ct);
        Assert.Equal(HttpStatusCode.Redirect, toCallback.StatusCode);
        var callback = toCallback.Headers.Location!;
        Assert.StartsWith(RedirectUri, callback.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal("state-123", query["state"].ToString());

        return await TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = clientId,
            ["code_verifier"] = verifier,
        }, ct);
    }

    /// <summary>Submits the sign-in form the way a browser would: fetch it, keep its antiforgery token and cookie.</summary>
    public async Task<HttpResponseMessage> PostLoginAsync(Uri loginUrl, string userName, string password, CancellationToken ct)
    {
        var page = await Http.GetStringAsync(loginUrl, ct);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The sign-in page has no antiforgery field.");
        var returnUrl = QueryHelpers.ParseQuery(loginUrl.IsAbsoluteUri ? loginUrl.Query : new Uri(server, loginUrl).Query)["ReturnUrl"].ToString();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [WebUtility.HtmlDecode(token.Groups["name"].Value)] = WebUtility.HtmlDecode(token.Groups["value"].Value),
            ["UserName"] = userName,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        });
        return await Http.PostAsync("/account/login", form, ct);
    }

    public async Task<JsonElement> TokenAsync(IReadOnlyDictionary<string, string> parameters, CancellationToken ct)
    {
        var response = await TokenResponseAsync(parameters, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"Token endpoint answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> TokenResponseAsync(IReadOnlyDictionary<string, string> parameters, CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(parameters);
        return await Http.PostAsync("/connect/token", form, ct);
    }

    public void Dispose() => http?.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]+)">""")]
    private static partial Regex AntiforgeryField();
}
