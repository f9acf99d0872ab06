namespace Casework.Web.Hosting;

/// <summary>A setting is missing or wrong; the message names it. The host prints it and exits with code 1.</summary>
public sealed class CaseworkConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
