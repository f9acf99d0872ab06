namespace Casework.Data.Runtime.Records;

/// <summary>A row that workers claim with a lease: timers and outbox messages.</summary>
public interface ILeasedRow
{
    string? LeaseOwner { get; set; }
    DateTimeOffset? LeaseExpiresAt { get; set; }
    int Attempts { get; set; }
}

/// <summary>
/// A scheduled timer. Workers claim due rows by setting a lease; a lease that expires (a crashed node) makes
/// the row claimable again. A fired or cancelled timer row is deleted in the transaction of that command.
/// </summary>
public sealed class TimerRecord : ILeasedRow
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }

    /// <summary>The engine's timer id, unique within the instance.</summary>
    public required string TimerId { get; set; }

    public required string ElementId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

/// <summary>An instance waiting for a message with a name and a correlation key.</summary>
public sealed class MessageSubscriptionRecord
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public required string SubscriptionId { get; set; }
    public required string MessageName { get; set; }
    public string? CorrelationKey { get; set; }
    public required string ElementId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A message to deliver after the transaction that produced it commits (transactional outbox).</summary>
public sealed class OutboxMessageRecord : ILeasedRow
{
    public Guid Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public Guid? InstanceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
}
