using System.Text.Encodings.Web;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Casework.Web.Features.Auth;

/// <summary>
/// The sign-in page of the authorization server: a plain form (antiforgery-protected) that signs the user in
/// with a cookie and returns to the OpenID Connect request that sent them here. Failures count towards lockout.
/// </summary>
internal static class AccountEndpoints
{
    public sealed record LoginForm(string? UserName, string? Password, string? ReturnUrl);

    public static void MapAccountEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/account").ExcludeFromDescription().AllowAnonymous();
        group.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
            Page(http, antiforgery, returnUrl, error: null));
        group.MapPost("/login", LoginAsync).RequireRateLimiting(Security.SecuritySetup.SignInPolicy);
        group.MapPost("/logout", async (SignInManager<CaseworkUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/");
        });
    }

    private static async Task<IResult> LoginAsync(
        [FromForm] LoginForm form, HttpContext http, IAntiforgery antiforgery, SignInManager<CaseworkUser> signIn)
    {
        if (string.IsNullOrWhiteSpace(form.UserName) || string.IsNullOrEmpty(form.Password))
        {
            return Page(http, antiforgery, form.ReturnUrl, "Enter your user name and password.", StatusCodes.Status400BadRequest);
        }

        var result = await signIn.PasswordSignInAsync(form.UserName, form.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Page(http, antiforgery, form.ReturnUrl,
                "This account is locked after too many failed attempts. Try again later or ask an administrator.",
                StatusCodes.Status423Locked);
        }

        if (!result.Succeeded)
        {
            return Page(http, antiforgery, form.ReturnUrl, "The user name or password is wrong.", StatusCodes.Status401Unauthorized);
        }

        var target = IsLocal(form.ReturnUrl) ? form.ReturnUrl! : "/";
        return Results.LocalRedirect(target);
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error,
        int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = HtmlEncoder.Default;
        var message = error is null ? string.Empty : $"<p role=\"alert\" class=\"error\">{e.Encode(error)}</p>";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Sign in · Casework</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}
            label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;box-sizing:border-box}
            button{margin-top:1.5rem;padding:.6rem 1.2rem}.error{color:#b00020}</style></head>
            <body>
            <h1>Sign in to Casework</h1>
            {{message}}
            <form method="post" action="/account/login">
              <input type="hidden" name="{{e.Encode(tokens.FormFieldName)}}" value="{{e.Encode(tokens.RequestToken ?? string.Empty)}}">
              <input type="hidden" name="ReturnUrl" value="{{e.Encode(returnUrl ?? string.Empty)}}">
              <label for="UserName">User name</label>
              <input id="UserName" name="UserName" autocomplete="username" required autofocus>
              <label for="Password">Password</label>
              <input id="Password" name="Password" type="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
