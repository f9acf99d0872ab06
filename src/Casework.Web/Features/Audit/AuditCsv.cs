using System.Globalization;
using System.Text;

namespace Casework.Web.Features.Audit;

/// <summary>
/// Writes audit entries as CSV (RFC 4180: comma-separated, CRLF, fields with a comma, quote or line break quoted) for an
/// auditor to hand on or open in a spreadsheet. A field that a spreadsheet would take for a formula (starting with =, +, -,
/// @, tab or carriage return) is written with a leading apostrophe, so opening the file runs nothing an account name carried.
/// </summary>
public static class AuditCsv
{
    public const string ContentType = "text/csv; charset=utf-8";
    public const string Header = "id,at,actor,action,case,resource,status,remoteAddress,correlationId";

    /// <summary>The file name an export of <paramref name="now"/> is saved under.</summary>
    public static string FileName(DateTimeOffset now) => $"audit-trail-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv";

    public static async Task WriteAsync(Stream body, IAsyncEnumerable<AuditEntryView> entries, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Header + "\r\n");
        await foreach (var e in entries.WithCancellation(cancellationToken))
        {
            var fields = new[]
            {
                e.Id.ToString(CultureInfo.InvariantCulture), e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), e.Actor,
                e.Action, e.CaseNumber ?? e.CaseId?.ToString(), e.Resource, e.Status.ToString(CultureInfo.InvariantCulture), e.RemoteAddress, e.CorrelationId,
            };
            await writer.WriteAsync(string.Join(',', fields.Select(Field)) + "\r\n");
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>One field, made safe for a spreadsheet and quoted when it must be.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
