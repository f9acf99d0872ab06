using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Casework.Web.Features.Api;

/// <summary>
/// Entity tags: a record's revision number, a hash of its settings, or a draft's content hash, in quotes. A change names
/// the copy it was made on with If-Match; a change made on a stale copy is refused (412) instead of overwriting what
/// someone saved meanwhile. Every endpoint that answers or takes a tag reads and writes it here.
/// </summary>
internal static class EntityTags
{
    public static string Of(long revision) => Quoted(revision.ToString(CultureInfo.InvariantCulture));

    /// <summary>A tag as the ETag header carries it: in quotes.</summary>
    public static string Quoted(string tag) => $"\"{tag}\"";

    /// <summary>
    /// The tag of a record without a revision number, made from the values a change of it replaces (20 hex digits of
    /// their SHA-256): it moves exactly when one of them does.
    /// </summary>
    public static string OfSettings(IEnumerable<string?> values) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', values.Select(v => v ?? string.Empty)))))[..20];

    /// <summary>
    /// The revision an If-Match header names: null without one or with *, -1 for a tag that names no revision (so it
    /// matches nothing). A weak prefix and the quotes are removed.
    /// </summary>
    public static int? Revision(string? ifMatch) => LongRevision(ifMatch) switch
    {
        null => null,
        <= int.MaxValue and var revision => (int)revision,
        _ => -1,
    };

    /// <inheritdoc cref="Revision"/>
    public static long? LongRevision(string? ifMatch)
    {
        if (Opaque(ifMatch) is not { } tag)
        {
            return null;
        }

        return long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : -1;
    }

    /// <summary>The tag an If-Match header names, quotes and a weak prefix removed: null without one or with *.</summary>
    public static string? Opaque(string? ifMatch)
    {
        if (string.IsNullOrWhiteSpace(ifMatch) || ifMatch.Trim() == "*")
        {
            return null;
        }

        var tag = ifMatch.Trim();
        return (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag).Trim('"');
    }

    /// <summary>412: the If-Match header names a copy older than the one on record; nothing was changed.</summary>
    public static ProblemHttpResult Stale(string title, string detail, string field = "Does not match the current ETag: reload, then change it again.") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status412PreconditionFailed, title: title, extensions: new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["If-Match"] = [field] },
        });
}
