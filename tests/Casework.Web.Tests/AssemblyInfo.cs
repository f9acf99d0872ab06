using Casework.Testing;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
