using Casework.Testing;
using Casework.Web.Tests.Ui;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(SharedChromium))]
