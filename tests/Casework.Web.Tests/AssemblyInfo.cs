using Casework.Testing;
using Casework.Web.Tests;
using Casework.Web.Tests.Ui;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(SharedChromium))]
[assembly: TestCollectionOrderer(typeof(BrowserTestsFirst))]
