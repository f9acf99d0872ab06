using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditActorIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_Actor_Id",
                table: "audit_entries",
                columns: new[] { "Actor", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_entries_Actor_Id",
                table: "audit_entries");
        }
    }
}
