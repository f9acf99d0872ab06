using Casework.Data;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Ui;

/// <summary>
/// A screen's form whose write the database gave up for the moment (a clash it ended, a lock it would not wait for, a
/// busy file, a lost connection): instead of the general error page, which loses what was typed, the screen answers 503
/// with <c>Retry-After</c> on its own page and shows the form again with the person's entries, so sending it again is one
/// click. Nothing of the write was saved.
/// </summary>
internal static class BusyDatabase
{
    public const string Message =
        "The database was busy, so nothing was saved. What you entered is still below: send it again in a moment.";

    /// <summary>What a screen says for a form with nothing typed in it (a button): there is nothing to keep.</summary>
    public const string NothingChanged = "The database was busy, so nothing was changed. Try again in a moment.";

    /// <summary>
    /// True when <paramref name="error"/> is such a refusal and the screen can still answer it: the status, the header and
    /// <paramref name="refuse"/>'s message are set, and whatever the failed write left in <paramref name="db"/> is dropped
    /// so that nothing later in the request saves it. False for anything else, which goes on to the error page.
    /// </summary>
    /// <param name="message">What the screen says; <see cref="Message"/> unless part of the form's work was saved before.</param>
    public static bool Answered(HttpContext http, DbContext db, Exception error, Action<int, string> refuse, string message = Message)
    {
        if (!DbErrors.IsTransient(error) || http.Response.HasStarted || http.RequestAborted.IsCancellationRequested)
        {
            return false;
        }

        db.ChangeTracker.Clear();
        refuse(StatusCodes.Status503ServiceUnavailable, message);
        http.Response.Headers.RetryAfter = "1";
        return true;
    }
}
