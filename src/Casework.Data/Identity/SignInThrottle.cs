using System.Net;
using System.Security.Cryptography;
using System.Text;
using Casework.Data.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Casework.Data.Identity;

/// <summary>
/// Counts sign-in and token requests per client address in fixed one-minute windows, in the database, so that every
/// node sharing it enforces one limit together. Two statements per request, neither of which can fail on a race: make
/// sure the window's row exists (insert unless present), then count the attempt only while it is under the limit.
/// </summary>
public sealed class SignInThrottle(CaseworkDbContext db, IOptions<DatabaseOptions> database, TimeProvider clock)
{
    public static readonly TimeSpan WindowLength = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Counts one attempt from <paramref name="client"/>. Null when it is allowed; otherwise how long until the window
    /// ends and attempts are allowed again.
    /// </summary>
    public async Task<TimeSpan?> TryAcquireAsync(IPAddress? client, int permitsPerWindow, CancellationToken cancellationToken)
    {
        var key = ClientKey(client);
        var now = clock.GetUtcNow();
        var seconds = (long)WindowLength.TotalSeconds;
        var window = now.ToUnixTimeSeconds() / seconds;
        var created = database.Value.ProviderKind == DatabaseProvider.SqlServer
            ? await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO sign_in_throttle ("ClientKey", "WindowNumber", "Attempts") SELECT {key}, {window}, 0 WHERE NOT EXISTS (SELECT 1 FROM sign_in_throttle WITH (UPDLOCK, HOLDLOCK) WHERE "ClientKey" = {key} AND "WindowNumber" = {window})""",
                cancellationToken)
            : await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO sign_in_throttle ("ClientKey", "WindowNumber", "Attempts") VALUES ({key}, {window}, 0) ON CONFLICT DO NOTHING""",
                cancellationToken);
        if (created == 1)
        {
            // A window has started for this client: windows before the previous one can no longer count.
            await db.SignInThrottle.Where(t => t.WindowNumber < window - 1).ExecuteDeleteAsync(cancellationToken);
        }

        var counted = await db.SignInThrottle.Where(t => t.ClientKey == key && t.WindowNumber == window && t.Attempts < permitsPerWindow)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, t => t.Attempts + 1), cancellationToken);
        return counted == 1 ? null : DateTimeOffset.FromUnixTimeSeconds((window + 1) * seconds) - now;
    }

    /// <summary>The stored form of a client address: its SHA-256, so the table never holds the address itself.</summary>
    public static string ClientKey(IPAddress? client) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(client?.ToString() ?? "unknown")));
}
