using System.Globalization;
using System.Text.Json;
using Casework.Engine.Expressions;
using Casework.Engine.State;
using Casework.Engine.Timing;

namespace Casework.Engine.Execution;

internal sealed partial class ExecutionRun
{
    /// <summary>A literal, or the text of a <c>${...}</c> expression's value; an incident when evaluation fails.</summary>
    private bool TryEvaluateText(Token token, string? text, out string? value)
    {
        value = text;
        if (text is null || !ExpressionText.TryUnwrap(text, out var expression))
        {
            return true;
        }

        var result = expressions.Evaluate(expression, ExpressionKind.Value, new ExpressionContext(variables, now));
        if (!result.Succeeded)
        {
            RaiseIncident(token, $"Expression '{expression}' on '{token.ElementId}' failed ({result.Failure}): {result.Error}");
            return false;
        }

        value = result.Value.ValueKind switch
        {
            JsonValueKind.String => result.Value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => result.Value.GetRawText(),
        };
        return true;
    }

    /// <summary>A due date: an ISO 8601 duration from now, or a date-time.</summary>
    private bool TryEvaluateDue(Token token, string? text, out DateTimeOffset? due)
    {
        due = null;
        if (!TryEvaluateText(token, text, out var value))
        {
            return false;
        }

        if (value is null)
        {
            return true;
        }

        if (Iso8601.TryParseDuration(value, out var duration))
        {
            due = duration.AddTo(now);
            return true;
        }

        if (Iso8601.TryParseDateTime(value, out var date))
        {
            due = date;
            return true;
        }

        RaiseIncident(token, $"The due date of '{token.ElementId}' is neither an ISO 8601 duration nor a date: '{value}'.");
        return false;
    }

    private bool TryEvaluatePriority(Token token, string? text, out int priority)
    {
        priority = 0;
        if (!TryEvaluateText(token, text, out var value))
        {
            return false;
        }

        if (value is null)
        {
            return true;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && number is >= int.MinValue and <= int.MaxValue)
        {
            priority = (int)Math.Round(number);
            return true;
        }

        RaiseIncident(token, $"The priority of '{token.ElementId}' is not a number: '{value}'.");
        return false;
    }
}
