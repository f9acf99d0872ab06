namespace Casework.Engine.Execution;

/// <summary>
/// Attribute values that may be literal or computed: <c>${ ... }</c> wraps a JavaScript expression, anything
/// else is taken literally (a duration, a date, a user name, a number).
/// </summary>
public static class ExpressionText
{
    public static bool TryUnwrap(string? text, out string expression)
    {
        var trimmed = text?.Trim();
        if (trimmed is { Length: > 3 } && trimmed.StartsWith("${", StringComparison.Ordinal) && trimmed.EndsWith('}'))
        {
            expression = trimmed[2..^1].Trim();
            return true;
        }

        expression = string.Empty;
        return false;
    }
}
