using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UnfinishedMigrationJobPerProcess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Two moves of one process started in the same instant before this index existed: keep one, stop the others.
            migrationBuilder.Sql("""
                UPDATE migration_jobs SET "Status" = 'Cancelled', "CancelledBy" = 'system (duplicate move)'
                WHERE "Status" IN ('Pending', 'Running') AND EXISTS (SELECT 1 FROM migration_jobs AS other
                    WHERE other."ProcessId" = migration_jobs."ProcessId" AND other."Status" IN ('Pending', 'Running') AND other."Id" > migration_jobs."Id")
                """);
            migrationBuilder.CreateIndex(
                name: "IX_migration_jobs_unfinished_process",
                table: "migration_jobs",
                column: "ProcessId",
                unique: true,
                filter: "\"Status\" IN ('Pending', 'Running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_migration_jobs_unfinished_process",
                table: "migration_jobs");
        }
    }
}
