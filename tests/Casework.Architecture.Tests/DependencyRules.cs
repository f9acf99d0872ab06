using System.Reflection;

namespace Casework.Architecture.Tests;

/// <summary>Walks an assembly's references, direct and transitive, as the runtime would load them.</summary>
internal static class DependencyRules
{
    public static IReadOnlyList<string> ReferencedAssemblyNames(Assembly root)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is null || !seen.Add(reference.Name))
                {
                    continue;
                }

                if (reference.Name.StartsWith("System", StringComparison.Ordinal)
                    || reference.Name is "mscorlib" or "netstandard")
                {
                    continue; // the framework itself
                }

                try
                {
                    pending.Push(Assembly.Load(reference));
                }
                catch (FileNotFoundException)
                {
                    // Not loadable from this test's output: still listed by name.
                }
            }
        }

        return [.. seen];
    }

    public static IReadOnlyList<string> Forbidden(Assembly root, params string[] prefixes) =>
        [.. ReferencedAssemblyNames(root).Where(n => prefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))];
}
