namespace Casework.Data.Runtime;

/// <summary>This node's name as a lease owner: unique per process, so leases of a crashed node are told apart.</summary>
public sealed class NodeIdentity
{
    public NodeIdentity(string? configuredName = null) =>
        Name = (string.IsNullOrWhiteSpace(configuredName) ? Environment.MachineName : configuredName)
            + "/" + Guid.NewGuid().ToString("N")[..8];

    public string Name { get; }
}
