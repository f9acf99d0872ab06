using Xunit.Sdk;
using Xunit.v3;

namespace Casework.Web.Tests;

/// <summary>
/// Starts the browser collection before any other: its tests run one at a time and add up to the longest stretch of the
/// run, so it goes on one of the runner's threads from the start while the other collections share the rest, rather than
/// alone at the end. The other collections keep xUnit's default (shuffled) order.
/// </summary>
public sealed class BrowserTestsFirst : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection
    {
        var ordered = DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections);
        return [.. ordered.Where(collection => IsBrowser(collection)), .. ordered.Where(collection => !IsBrowser(collection))];
    }

    private static bool IsBrowser(ITestCollection collection) => collection.TestCollectionDisplayName == Ui.BrowserCollection.Name;
}
