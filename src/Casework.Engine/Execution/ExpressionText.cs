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

    /// <summary>
    /// Splits a text with placeholders (a task's instructions) into literal pieces and the expressions of its <c>${...}</c>s. A
    /// placeholder ends at the <c>}</c> that closes it, so an expression may hold braces and strings of its own. Returns the error
    /// instead when a placeholder is empty or never closed.
    /// </summary>
    public static IReadOnlyList<TemplatePart> Template(string text, out string? error)
    {
        var parts = new List<TemplatePart>();
        var literalStart = 0;
        var at = text.IndexOf("${", StringComparison.Ordinal);
        while (at >= 0)
        {
            var end = ClosingBrace(text, at + 2);
            if (end < 0)
            {
                error = $"The placeholder starting '{Excerpt(text, at)}' has no closing '}}'.";
                return [];
            }

            var expression = text[(at + 2)..end].Trim();
            if (expression.Length == 0)
            {
                error = "A placeholder '${}' is empty; put an expression in it, such as ${reason}.";
                return [];
            }

            if (at > literalStart)
            {
                parts.Add(new TemplatePart(text[literalStart..at], IsExpression: false));
            }

            parts.Add(new TemplatePart(expression, IsExpression: true));
            literalStart = end + 1;
            at = text.IndexOf("${", literalStart, StringComparison.Ordinal);
        }

        if (literalStart < text.Length)
        {
            parts.Add(new TemplatePart(text[literalStart..], IsExpression: false));
        }

        error = null;
        return parts;
    }

    /// <summary>The index of the <c>}</c> that closes a placeholder whose expression starts at <paramref name="from"/>, or -1.</summary>
    private static int ClosingBrace(string text, int from)
    {
        var depth = 1;
        char? quote = null;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } open)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == open)
                {
                    quote = null;
                }
            }
            else if (c is '\'' or '"' or '`')
            {
                quote = c;
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Excerpt(string text, int at) => text.Length - at > 30 ? text.Substring(at, 30) + "…" : text[at..];
}

/// <summary>One piece of a text with placeholders: literal text, or the JavaScript expression of a <c>${...}</c>.</summary>
public sealed record TemplatePart(string Text, bool IsExpression);
