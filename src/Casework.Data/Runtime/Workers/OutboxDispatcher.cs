using Casework.Data.Configuration;
using Casework.Data.Runtime.Leasing;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Casework.Data.Runtime.Workers;

/// <summary>Handles outbox messages of one <see cref="Type"/>. Handlers are idempotent: a message may be delivered again after a crash.</summary>
public interface IOutboxHandler
{
    string Type { get; }

    Task HandleAsync(OutboxMessageRecord message, CancellationToken cancellationToken);
}

/// <summary>
/// Delivers outbox messages written in the same transaction as the change that caused them. Claims due rows
/// with a lease, runs the handler for the message type, marks the row processed; a failure is retried with
/// back-off and, after <see cref="WorkerOptions.MaxAttempts"/>, parked with its last error for an operator.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IOptions<WorkerOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider clock,
    NodeIdentity node,
    RuntimeMetrics metrics,
    ILogger<OutboxDispatcher> logger) : PollingWorker<OutboxMessageRecord>(scopes, options, clock, logger)
{
    protected override Task<IReadOnlyList<OutboxMessageRecord>> ClaimAsync(CaseworkDbContext db, WorkerOptions settings, CancellationToken cancellationToken) =>
        new LeaseClaims(database.Value.ProviderKind)
            .ClaimOutboxAsync(db, node.Name, Clock.GetUtcNow(), settings.LeaseDuration, settings.BatchSize, cancellationToken);

    protected override Task ProcessAsync(OutboxMessageRecord row, WorkerOptions settings, CancellationToken cancellationToken) =>
        DeliverAsync(row, settings, cancellationToken);

    private async Task DeliverAsync(OutboxMessageRecord message, WorkerOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = Scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var handler = scope.ServiceProvider.GetServices<IOutboxHandler>().FirstOrDefault(h => h.Type == message.Type);
        string? error = null;
        if (handler is null)
        {
            error = $"No handler is registered for outbox messages of type '{message.Type}'.";
        }
        else
        {
            try
            {
                await handler.HandleAsync(message, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Outbox message {MessageId} of type {MessageType} failed with {ErrorType} (attempt {Attempt})",
                    message.Id, message.Type, ex.GetType().Name, message.Attempts);
                error = ex.GetType().Name + ": " + ex.Message;
            }
        }

        var now = Clock.GetUtcNow();
        if (error is null)
        {
            await db.Outbox.Where(o => o.Id == message.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.ProcessedAt, now).SetProperty(o => o.LastError, (string?)null), cancellationToken);
            metrics.Delivered(message.Type);
            return;
        }

        metrics.WorkerFailed("outbox");
        var parked = message.Attempts >= settings.MaxAttempts;
        var retryAt = parked ? TimerWorker.ParkedUntil : now + settings.RetryDelay(message.Attempts);
        await db.Outbox.Where(o => o.Id == message.Id && o.LeaseOwner == node.Name)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseExpiresAt, retryAt).SetProperty(o => o.LastError, Truncate(error)), cancellationToken);
        if (parked)
        {
            metrics.WorkerParkedItem("outbox");
            logger.LogError("Outbox message {MessageId} of type {MessageType} parked after {Attempts} attempts",
                message.Id, message.Type, message.Attempts);
        }
    }
}
