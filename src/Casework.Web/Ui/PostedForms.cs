namespace Casework.Web.Ui;

/// <summary>What the screens read from a posted form.</summary>
internal static class PostedForms
{
    /// <summary>A posted field, trimmed; null when the request carries no form (the page was only read).</summary>
    public static string? Posted(this HttpRequest request, string name) =>
        request.HasFormContentType ? request.Form[name].ToString().Trim() : null;
}
