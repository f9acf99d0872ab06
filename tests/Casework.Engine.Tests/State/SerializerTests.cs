using System.Text.Json;
using Casework.Engine.State;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.State;

public sealed class SerializerTests
{
    [Fact]
    public void State_RoundTripsToTheSameText()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/errors.bpmn")).Start(new { nested = new { a = 1, b = new[] { "x" } } });
        var json = InstanceStateSerializer.Serialize(scenario.State!);

        var again = InstanceStateSerializer.Serialize(InstanceStateSerializer.Deserialize(json));

        Assert.Equal(json, again);
        Assert.Contains("\"schemaVersion\":1", json, StringComparison.Ordinal);
        Assert.True(json.Length < 2048, $"State of a small running instance should be compact; it is {json.Length} bytes.");
    }

    [Fact]
    public void UnknownSchemaVersion_IsRefused()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/chain.bpmn")).Start(new { urgent = false });
        var json = InstanceStateSerializer.Serialize(scenario.State!).Replace("\"schemaVersion\":1", "\"schemaVersion\":99", StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => InstanceStateSerializer.Deserialize(json));
    }
}
