using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Casework.Data;

/// <summary>
/// Runs a unit of database work again from the start when the database ended its transaction to settle a clash with
/// another writer (a deadlock, a serialization conflict): nothing of it was kept, and the other writer has usually
/// finished after a short pause, so the person gets the answer instead of "try again". A busy SQLite file, and a lock
/// wait that ran out a timeout set on the connection, are handed on at once: each is reported only after the connection
/// has waited its whole timeout for the other writer (see <see cref="DbErrors.IsClashWithAnotherWriter"/>).
/// </summary>
/// <remarks>
/// The work must read everything it decides on afresh in each attempt, so that a clash with a writer who did the same
/// thing ends as that writer's conflict or refusal, never as the work done twice. Inside a caller's transaction the
/// caller decides (the database ended that transaction too). A clash that outlived its attempts is marked, so that an
/// outer unit wrapping an inner one (an API request around a workflow command) does not multiply the attempts.
/// </remarks>
public static class WriterClash
{
    /// <summary>How many times a unit of work is run in all before the clash is handed to the caller.</summary>
    public const int Attempts = 3;

    private const string GaveUp = "Casework.WriterClash.GaveUp";

    /// <param name="db">The context the work writes through: its unsaved changes are dropped before another attempt.</param>
    /// <param name="logger">Told of each attempt after the first; never of the data.</param>
    /// <param name="work">What is run, for the log: "a workflow command".</param>
    /// <param name="run">The work, from the start of its transaction.</param>
    /// <param name="mayRunAgain">False when the work already did something no transaction undoes (began an answer).</param>
    /// <param name="cancellationToken">Ends the pauses between attempts.</param>
    public static async Task<T> AgainAfterClashAsync<T>(DbContext db, ILogger logger, string work, Func<Task<T>> run,
        CancellationToken cancellationToken, Func<bool>? mayRunAgain = null)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await run();
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await run();
            }
            catch (Exception error) when (DbErrors.IsClashWithAnotherWriter(error) && !error.Data.Contains(GaveUp))
            {
                if (attempt >= Attempts || cancellationToken.IsCancellationRequested || mayRunAgain?.Invoke() == false)
                {
                    error.Data[GaveUp] = true;
                    throw;
                }

                // Whatever the failed attempt left in the context was never saved and must not be saved by the next.
                db.ChangeTracker.Clear();
                logger.LogWarning("The database ended {Work} ({Error}) to settle a clash with another writer; running it again (attempt {Attempt} of {Attempts})",
                    work, error.GetType().Name, attempt + 1, Attempts);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50 * attempt)), cancellationToken);
            }
        }
    }
}
