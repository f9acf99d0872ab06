namespace Casework.Domain.Common;

/// <summary>
/// A rule of the procedure refused a change. <see cref="Code"/> is stable (e.g. <c>four-eyes</c>,
/// <c>appeal-window-closed</c>); the message says which rule and what to do.
/// </summary>
public sealed class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
