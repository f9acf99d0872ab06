using System.Text.Json;
using System.Text.Json.Serialization;

namespace Casework.Engine.State;

/// <summary>
/// Reads and writes <see cref="InstanceState"/> as JSON with source-generated serialisers (no reflection). A round
/// trip is exact: serialising a deserialised document gives the same text.
/// </summary>
public static class InstanceStateSerializer
{
    public static string Serialize(InstanceState state) => JsonSerializer.Serialize(state, InstanceStateJsonContext.Default.InstanceState);

    public static byte[] SerializeToUtf8(InstanceState state) =>
        JsonSerializer.SerializeToUtf8Bytes(state, InstanceStateJsonContext.Default.InstanceState);

    /// <summary>Reads a state document; throws <see cref="JsonException"/> for a document of an unknown schema version.</summary>
    public static InstanceState Deserialize(string json)
    {
        var state = JsonSerializer.Deserialize(json, InstanceStateJsonContext.Default.InstanceState)
            ?? throw new JsonException("The instance state document is empty.");
        if (state.SchemaVersion != InstanceState.CurrentSchemaVersion)
        {
            throw new JsonException($"Instance state schema version {state.SchemaVersion} is not supported (expected {InstanceState.CurrentSchemaVersion}).");
        }

        return state;
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(InstanceState))]
internal sealed partial class InstanceStateJsonContext : JsonSerializerContext;
