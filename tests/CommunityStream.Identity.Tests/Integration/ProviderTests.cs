using CommunityStream.Identity.Tests.Support;

namespace CommunityStream.Identity.Tests.Integration;

/// <summary>The API suite against a SQLite file in a temp directory.</summary>
public sealed class SqliteIdentityApiTests(SqliteAppFixture fixture) : IdentityApiTests(fixture), IClassFixture<SqliteAppFixture>;

/// <summary>The API suite against a fresh PostgreSQL database (CS_TEST_POSTGRES); skipped with a reason when unset.</summary>
public sealed class PostgresIdentityApiTests(PostgresAppFixture fixture) : IdentityApiTests(fixture), IClassFixture<PostgresAppFixture>;
