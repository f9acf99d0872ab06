namespace Casework.Domain;

/// <summary>Anchors the assembly for tests and registration.</summary>
public static class AssemblyMarker;
