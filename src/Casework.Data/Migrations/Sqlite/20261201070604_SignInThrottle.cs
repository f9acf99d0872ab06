using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Casework.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SignInThrottle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sign_in_throttle",
                columns: table => new
                {
                    ClientKey = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    WindowNumber = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sign_in_throttle", x => new { x.ClientKey, x.WindowNumber });
                });

            migrationBuilder.CreateIndex(
                name: "IX_sign_in_throttle_WindowNumber",
                table: "sign_in_throttle",
                column: "WindowNumber");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sign_in_throttle");
        }
    }
}
