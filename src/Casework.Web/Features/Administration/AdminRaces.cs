namespace Casework.Web.Features.Administration;

/// <summary>
/// Administrators' changes that lost a race with another administrator's change to the same record. A change that named
/// the copy it was made on (If-Match) is answered as stale; one that did not asked to replace whatever is saved, so it
/// is run again on what is saved now instead of ending in an error.
/// </summary>
internal static class AdminRaces
{
    /// <summary>Runs <paramref name="run"/> again while it answers null (it lost a race it was not asked to report).</summary>
    /// <param name="run">The change, reading everything afresh on each run.</param>
    /// <param name="gaveUp">The answer when the race did not end (a storm of changes at the same moment).</param>
    public static async Task<T> AgainIfRacedAsync<T>(Func<Task<T?>> run, Func<T> gaveUp)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await run() is { } outcome)
            {
                return outcome;
            }

            // Each round of racing changes saves at least one of them, so the race ends; the bound only stops a storm.
            if (attempt == 10)
            {
                return gaveUp();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)));
        }
    }

    public const string GaveUp = "Other administrators kept changing it at the same moment; nothing was saved. Send the change again.";
}
